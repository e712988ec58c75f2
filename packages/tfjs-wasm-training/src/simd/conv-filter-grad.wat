;; The filter gradient of a 2-D convolution over NHWC float32 data in the tfjs wasm backend's
;; own memory (imported), with 128-bit SIMD:
;;
;;   dw[k, co] = Σ_n Σ_oy Σ_ox  x[n·imageBytes + oy·rowStep + ox·colStep + koff[k]] · dy[n, oy, ox, co]
;;
;; where koff[k] is the byte offset of filter tap k = (kh, kw, ci) inside an image, so any
;; kernel size, stride and input channel count works (padding is applied by the caller).
;; A GEMM with a register block of 4 taps × 8 output channels (8 accumulators), image by image
;; so that one image's x and dy stay in cache across all blocks. Multiply-adds are
;; `f32x4.relaxed_madd` (fused where the CPU has FMA); scripts/build-simd.mjs also emits a build
;; with them lowered to mul + add for engines without relaxed SIMD. `coCount` must be at least 4;
;; `dw` is scratch of kBlocks·4 rows (rows past the real taps are dropped) × coCount rounded up
;; to a multiple of 4 columns. When coCount is not a multiple of 4, the last block of 4 reads
;; dy's last 4 channels (shifted back, so never past a pixel) into dw's last 4 columns: the
;; caller maps those columns to channels coCount − 4 … coCount − 1. Assembled by
;; scripts/build-simd.mjs.
(module
  (import "env" "memory" (memory 0))

  (func (export "conv_filter_grad")
    (param $x i32) (param $dy i32) (param $dw i32) (param $koff i32)
    (param $images i32) (param $imageBytes i32) (param $outHeight i32) (param $outWidth i32)
    (param $rowStep i32) (param $colStep i32) (param $kBlocks i32) (param $coCount i32)
    (local $n i32) (local $kb i32) (local $cb i32) (local $oy i32) (local $ox i32)
    (local $coBytes i32) (local $dyRowBytes i32) (local $xImg i32) (local $dyImg i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $px i32) (local $pd i32) (local $wBytes i32) (local $cc i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $coBytes (i32.shl (local.get $coCount) (i32.const 2)))
    (local.set $wBytes (i32.and (i32.add (local.get $coBytes) (i32.const 15)) (i32.const -16)))
    (local.set $dyRowBytes (i32.mul (local.get $outWidth) (local.get $coBytes)))
    (memory.fill (local.get $dw) (i32.const 0)
      (i32.mul (i32.shl (local.get $kBlocks) (i32.const 2)) (local.get $wBytes)))
    (local.set $dyImg (local.get $dy))
    (local.set $xImg (local.get $x))
    (block $imagesDone
      (loop $imageLoop
        (br_if $imagesDone (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $kb (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $kb) (local.get $kBlocks)))
            ;; the block's four taps: their offsets in x and their rows of dw
            (local.set $o0 (i32.load (i32.add (local.get $koff) (i32.shl (local.get $kb) (i32.const 4)))))
            (local.set $o1 (i32.load offset=4 (i32.add (local.get $koff) (i32.shl (local.get $kb) (i32.const 4)))))
            (local.set $o2 (i32.load offset=8 (i32.add (local.get $koff) (i32.shl (local.get $kb) (i32.const 4)))))
            (local.set $o3 (i32.load offset=12 (i32.add (local.get $koff) (i32.shl (local.get $kb) (i32.const 4)))))
            (local.set $w0 (i32.add (local.get $dw)
              (i32.mul (i32.shl (local.get $kb) (i32.const 2)) (local.get $wBytes))))
            (local.set $w1 (i32.add (local.get $w0) (local.get $wBytes)))
            (local.set $w2 (i32.add (local.get $w1) (local.get $wBytes)))
            (local.set $w3 (i32.add (local.get $w2) (local.get $wBytes)))
            (local.set $cb (i32.const 0))
            ;; blocks of 8 output channels
            (block $wideDone
              (loop $wideLoop
                (br_if $wideDone (i32.gt_u (i32.add (local.get $cb) (i32.const 32)) (local.get $coBytes)))
                (local.set $a0 (v128.load (i32.add (local.get $w0) (local.get $cb))))
                (local.set $a1 (v128.load offset=16 (i32.add (local.get $w0) (local.get $cb))))
                (local.set $a2 (v128.load (i32.add (local.get $w1) (local.get $cb))))
                (local.set $a3 (v128.load offset=16 (i32.add (local.get $w1) (local.get $cb))))
                (local.set $a4 (v128.load (i32.add (local.get $w2) (local.get $cb))))
                (local.set $a5 (v128.load offset=16 (i32.add (local.get $w2) (local.get $cb))))
                (local.set $a6 (v128.load (i32.add (local.get $w3) (local.get $cb))))
                (local.set $a7 (v128.load offset=16 (i32.add (local.get $w3) (local.get $cb))))
                (local.set $oy (i32.const 0))
                (block $rowsDone
                  (loop $rowLoop
                    (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outHeight)))
                    (local.set $px (i32.add (local.get $xImg) (i32.mul (local.get $oy) (local.get $rowStep))))
                    (local.set $pd (i32.add (i32.add (local.get $dyImg)
                      (i32.mul (local.get $oy) (local.get $dyRowBytes))) (local.get $cb)))
                    (local.set $ox (local.get $outWidth))
                    (loop $colLoop
                      (local.set $d0 (v128.load (local.get $pd)))
                      (local.set $d1 (v128.load offset=16 (local.get $pd)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o0))))
                      (local.set $a0 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a0)))
                      (local.set $a1 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a1)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o1))))
                      (local.set $a2 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a2)))
                      (local.set $a3 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a3)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o2))))
                      (local.set $a4 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a4)))
                      (local.set $a5 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a5)))
                      (local.set $s (v128.load32_splat (i32.add (local.get $px) (local.get $o3))))
                      (local.set $a6 (f32x4.relaxed_madd (local.get $s) (local.get $d0) (local.get $a6)))
                      (local.set $a7 (f32x4.relaxed_madd (local.get $s) (local.get $d1) (local.get $a7)))
                      (local.set $px (i32.add (local.get $px) (local.get $colStep)))
                      (local.set $pd (i32.add (local.get $pd) (local.get $coBytes)))
                      (local.set $ox (i32.sub (local.get $ox) (i32.const 1)))
                      (br_if $colLoop (local.get $ox)))
                    (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                    (br $rowLoop)))
                (v128.store (i32.add (local.get $w0) (local.get $cb)) (local.get $a0))
                (v128.store offset=16 (i32.add (local.get $w0) (local.get $cb)) (local.get $a1))
                (v128.store (i32.add (local.get $w1) (local.get $cb)) (local.get $a2))
                (v128.store offset=16 (i32.add (local.get $w1) (local.get $cb)) (local.get $a3))
                (v128.store (i32.add (local.get $w2) (local.get $cb)) (local.get $a4))
                (v128.store offset=16 (i32.add (local.get $w2) (local.get $cb)) (local.get $a5))
                (v128.store (i32.add (local.get $w3) (local.get $cb)) (local.get $a6))
                (v128.store offset=16 (i32.add (local.get $w3) (local.get $cb)) (local.get $a7))
                (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
                (br $wideLoop)))
            ;; blocks of 4 output channels; the last one reads dy's last 4 channels
            (block $narrowDone
              (loop $narrowLoop
                (br_if $narrowDone (i32.ge_u (local.get $cb) (local.get $coBytes)))
                (local.set $cc (local.get $cb))
                (if (i32.gt_u (i32.add (local.get $cb) (i32.const 16)) (local.get $coBytes))
                  (then (local.set $cc (i32.sub (local.get $coBytes) (i32.const 16)))))
                (local.set $a0 (v128.load (i32.add (local.get $w0) (local.get $cb))))
                (local.set $a2 (v128.load (i32.add (local.get $w1) (local.get $cb))))
                (local.set $a4 (v128.load (i32.add (local.get $w2) (local.get $cb))))
                (local.set $a6 (v128.load (i32.add (local.get $w3) (local.get $cb))))
                (local.set $oy (i32.const 0))
                (block $rowsDone4
                  (loop $rowLoop4
                    (br_if $rowsDone4 (i32.ge_u (local.get $oy) (local.get $outHeight)))
                    (local.set $px (i32.add (local.get $xImg) (i32.mul (local.get $oy) (local.get $rowStep))))
                    (local.set $pd (i32.add (i32.add (local.get $dyImg)
                      (i32.mul (local.get $oy) (local.get $dyRowBytes))) (local.get $cc)))
                    (local.set $ox (local.get $outWidth))
                    (loop $colLoop4
                      (local.set $d0 (v128.load (local.get $pd)))
                      (local.set $a0 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $px) (local.get $o0))) (local.get $d0) (local.get $a0)))
                      (local.set $a2 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $px) (local.get $o1))) (local.get $d0) (local.get $a2)))
                      (local.set $a4 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $px) (local.get $o2))) (local.get $d0) (local.get $a4)))
                      (local.set $a6 (f32x4.relaxed_madd (v128.load32_splat (i32.add (local.get $px) (local.get $o3))) (local.get $d0) (local.get $a6)))
                      (local.set $px (i32.add (local.get $px) (local.get $colStep)))
                      (local.set $pd (i32.add (local.get $pd) (local.get $coBytes)))
                      (local.set $ox (i32.sub (local.get $ox) (i32.const 1)))
                      (br_if $colLoop4 (local.get $ox)))
                    (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                    (br $rowLoop4)))
                (v128.store (i32.add (local.get $w0) (local.get $cb)) (local.get $a0))
                (v128.store (i32.add (local.get $w1) (local.get $cb)) (local.get $a2))
                (v128.store (i32.add (local.get $w2) (local.get $cb)) (local.get $a4))
                (v128.store (i32.add (local.get $w3) (local.get $cb)) (local.get $a6))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $narrowLoop)))
            (local.set $kb (i32.add (local.get $kb) (i32.const 1)))
            (br $kLoop)))
        (local.set $xImg (i32.add (local.get $xImg) (local.get $imageBytes)))
        (local.set $dyImg (i32.add (local.get $dyImg) (i32.mul (local.get $outHeight) (local.get $dyRowBytes))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $imageLoop))))
)
