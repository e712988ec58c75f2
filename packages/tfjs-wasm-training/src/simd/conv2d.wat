;; A 2-D convolution over NHWC float32 data in the tfjs wasm backend's own memory (imported),
;; with 128-bit SIMD, as an implicit GEMM:
;;
;;   y[n, oy, ox, co] = Σ_k  x[n·imageBytes + oy·rowStep + ox·colStep + koff[k]] · w[k, co]
;;
;; where koff[k] is the byte offset of filter tap k = (kh, kw, ci) inside an image (so any
;; kernel size, stride, dilation and input channel count works; padding is applied by the
;; caller) and w is the filter as a row-major [taps, coCount] matrix, which is tfjs's
;; [kh, kw, ci, co] layout as it is. Register block: 4 output pixels of a row × 8 output
;; channels (8 accumulators), then blocks of 4 channels; a row's last pixels re-use the
;; block with its extra pixels clamped to the row's last one (they write the same values
;; twice). When `coCount` is not a multiple of 4 (it must be at least 4), the last block of 4
;; channels is shifted back to end at the last channel: it recomputes a few channels and writes
;; the same values again, and never reads or writes past a row of w or y. `bias` (0 for none)
;; points at coCount floats that start the accumulators, which fuses a conv's bias into the
;; GEMM. Multiply-adds are `f32x4.relaxed_madd` (fused where the CPU has FMA);
;; scripts/build-simd.mjs also emits a build with them lowered to mul + add. Assembled by
;; scripts/build-simd.mjs.
(module
  (import "env" "memory" (memory 0))

  (func (export "conv2d")
    (param $x i32) (param $w i32) (param $y i32) (param $koff i32) (param $taps i32)
    (param $images i32) (param $imageBytes i32) (param $outHeight i32) (param $outWidth i32)
    (param $rowStep i32) (param $colStep i32) (param $coCount i32) (param $bias i32)
    (local $n i32) (local $oy i32) (local $ox i32) (local $cb i32) (local $k i32)
    (local $coBytes i32) (local $last i32) (local $xRow i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32)
    (local $pk i32) (local $pw i32) (local $off i32) (local $j i32) (local $cc i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local.set $coBytes (i32.shl (local.get $coCount) (i32.const 2)))
    (local.set $last (i32.sub (local.get $outWidth) (i32.const 1)))
    (block $imagesDone
      (loop $imageLoop
        (br_if $imagesDone (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $oy (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outHeight)))
            (local.set $xRow (i32.add
              (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $imageBytes)))
              (i32.mul (local.get $oy) (local.get $rowStep))))
            (local.set $ox (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $ox) (local.get $outWidth)))
                ;; four pixels ox..ox+3, clamped to the row's last
                (local.set $j (local.get $ox))
                (local.set $p0 (i32.add (local.get $xRow) (i32.mul (local.get $j) (local.get $colStep))))
                (local.set $y0 (local.get $y))
                (if (i32.lt_u (local.get $j) (local.get $last))
                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                (local.set $p1 (i32.add (local.get $xRow) (i32.mul (local.get $j) (local.get $colStep))))
                (local.set $y1 (i32.add (local.get $y) (i32.mul (i32.sub (local.get $j) (local.get $ox)) (local.get $coBytes))))
                (if (i32.lt_u (local.get $j) (local.get $last))
                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                (local.set $p2 (i32.add (local.get $xRow) (i32.mul (local.get $j) (local.get $colStep))))
                (local.set $y2 (i32.add (local.get $y) (i32.mul (i32.sub (local.get $j) (local.get $ox)) (local.get $coBytes))))
                (if (i32.lt_u (local.get $j) (local.get $last))
                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                (local.set $p3 (i32.add (local.get $xRow) (i32.mul (local.get $j) (local.get $colStep))))
                (local.set $y3 (i32.add (local.get $y) (i32.mul (i32.sub (local.get $j) (local.get $ox)) (local.get $coBytes))))
                (local.set $cb (i32.const 0))
                ;; blocks of 8 output channels
                (block $wideDone
                  (loop $wideLoop
                    (br_if $wideDone (i32.gt_u (i32.add (local.get $cb) (i32.const 32)) (local.get $coBytes)))
                    (if (local.get $bias)
                      (then
                        (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $cb))))
                        (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $cb)))))
                      (else
                        (local.set $a0 (v128.const i32x4 0 0 0 0))
                        (local.set $a1 (v128.const i32x4 0 0 0 0))))
                    (local.set $a2 (local.get $a0))
                    (local.set $a3 (local.get $a1))
                    (local.set $a4 (local.get $a0))
                    (local.set $a5 (local.get $a1))
                    (local.set $a6 (local.get $a0))
                    (local.set $a7 (local.get $a1))
                    (local.set $pk (local.get $koff))
                    (local.set $pw (i32.add (local.get $w) (local.get $cb)))
                    (local.set $k (local.get $taps))
                    (loop $kLoop
                      (local.set $off (i32.load (local.get $pk)))
                      (local.set $w0 (v128.load (local.get $pw)))
                      (local.set $w1 (v128.load offset=16 (local.get $pw)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $p0) (local.get $off))))
                      (local.set $a0 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a0)))
                      (local.set $a1 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a1)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $p1) (local.get $off))))
                      (local.set $a2 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a2)))
                      (local.set $a3 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a3)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $p2) (local.get $off))))
                      (local.set $a4 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a4)))
                      (local.set $a5 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a5)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $p3) (local.get $off))))
                      (local.set $a6 (f32x4.relaxed_madd (local.get $s) (local.get $w0) (local.get $a6)))
                      (local.set $a7 (f32x4.relaxed_madd (local.get $s) (local.get $w1) (local.get $a7)))
                      (local.set $pk (i32.add (local.get $pk) (i32.const 4)))
                      (local.set $pw (i32.add (local.get $pw) (local.get $coBytes)))
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br_if $kLoop (local.get $k)))
                    ;; (a clamped pixel equals the one it repeats, so the double store is harmless)
                    (v128.store (i32.add (local.get $y3) (local.get $cb)) (local.get $a6))
                    (v128.store offset=16 (i32.add (local.get $y3) (local.get $cb)) (local.get $a7))
                    (v128.store (i32.add (local.get $y2) (local.get $cb)) (local.get $a4))
                    (v128.store offset=16 (i32.add (local.get $y2) (local.get $cb)) (local.get $a5))
                    (v128.store (i32.add (local.get $y1) (local.get $cb)) (local.get $a2))
                    (v128.store offset=16 (i32.add (local.get $y1) (local.get $cb)) (local.get $a3))
                    (v128.store (i32.add (local.get $y0) (local.get $cb)) (local.get $a0))
                    (v128.store offset=16 (i32.add (local.get $y0) (local.get $cb)) (local.get $a1))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
                    (br $wideLoop)))
                ;; blocks of 4 output channels; the last one ends at the last channel
                (block $narrowDone
                  (loop $narrowLoop
                    (br_if $narrowDone (i32.ge_u (local.get $cb) (local.get $coBytes)))
                    (local.set $cc (local.get $cb))
                    (if (i32.gt_u (i32.add (local.get $cb) (i32.const 16)) (local.get $coBytes))
                      (then (local.set $cc (i32.sub (local.get $coBytes) (i32.const 16)))))
                    (if (local.get $bias)
                      (then (local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $cc)))))
                      (else (local.set $a0 (v128.const i32x4 0 0 0 0))))
                    (local.set $a2 (local.get $a0))
                    (local.set $a4 (local.get $a0))
                    (local.set $a6 (local.get $a0))
                    (local.set $pk (local.get $koff))
                    (local.set $pw (i32.add (local.get $w) (local.get $cc)))
                    (local.set $k (local.get $taps))
                    (loop $kLoop4
                      (local.set $off (i32.load (local.get $pk)))
                      (local.set $w0 (v128.load (local.get $pw)))
                      (local.set $a0 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $p0) (local.get $off))) (local.get $w0) (local.get $a0)))
                      (local.set $a2 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $p1) (local.get $off))) (local.get $w0) (local.get $a2)))
                      (local.set $a4 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $p2) (local.get $off))) (local.get $w0) (local.get $a4)))
                      (local.set $a6 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $p3) (local.get $off))) (local.get $w0) (local.get $a6)))
                      (local.set $pk (i32.add (local.get $pk) (i32.const 4)))
                      (local.set $pw (i32.add (local.get $pw) (local.get $coBytes)))
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br_if $kLoop4 (local.get $k)))
                    (v128.store (i32.add (local.get $y3) (local.get $cc)) (local.get $a6))
                    (v128.store (i32.add (local.get $y2) (local.get $cc)) (local.get $a4))
                    (v128.store (i32.add (local.get $y1) (local.get $cc)) (local.get $a2))
                    (v128.store (i32.add (local.get $y0) (local.get $cc)) (local.get $a0))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                    (br $narrowLoop)))
                ;; next four pixels (or past the row's end)
                (local.set $y (i32.add (local.get $y0)
                  (i32.shl (local.get $coBytes) (i32.const 2))))
                (if (i32.gt_u (i32.add (local.get $ox) (i32.const 4)) (local.get $outWidth))
                  (then (local.set $y (i32.add (local.get $y0)
                    (i32.mul (i32.sub (local.get $outWidth) (local.get $ox)) (local.get $coBytes))))))
                (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                (br $colLoop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $rowLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $imageLoop))))
)
