;; Per-channel loops over a row-major [rows, channels] float32 matrix in the tfjs wasm backend's
;; own memory (imported), with 128-bit SIMD: batch norm's statistics, normalisation and
;; gradient in two passes each instead of a chain of single-op kernels. `channels` must be a
;; multiple of 4 (max_pool2_grad: see there); pointers are byte offsets into the heap.
;; Assembled by scripts/build-simd.mjs.
(module
  (import "env" "memory" (memory 0))

  ;; outA[c] = Σ_r (a[r,c] − shift[c]),  outAB[c] = Σ_r (a[r,c] − shift[c])·(b[r,c] − shift[c])
  ;; Sums run in float32 over blocks of 32 rows, then add into float64 totals (outA, outAB are
  ;; f64 arrays); `scratch` holds 2·channels float32 block sums.
  (func (export "channel_sums")
    (param $a i32) (param $b i32) (param $shift i32) (param $rows i32) (param $channels i32)
    (param $scratch i32) (param $outA i32) (param $outAB i32)
    (local $row i32) (local $blockEnd i32) (local $off i32) (local $rowBytes i32)
    (local $va v128) (local $vb v128) (local $vs v128) (local $s i32) (local $ch i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (memory.fill (local.get $outA) (i32.const 0) (i32.shl (local.get $channels) (i32.const 3)))
    (memory.fill (local.get $outAB) (i32.const 0) (i32.shl (local.get $channels) (i32.const 3)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (memory.fill (local.get $scratch) (i32.const 0) (i32.shl (local.get $rowBytes) (i32.const 1)))
        (local.set $blockEnd (i32.add (local.get $row) (i32.const 32)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $rows))
          (then (local.set $blockEnd (local.get $rows))))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $blockEnd)))
            (local.set $off (i32.const 0))
            (block $chDone
              (loop $chLoop
                (br_if $chDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
                (local.set $vs (v128.load (i32.add (local.get $shift) (local.get $off))))
                (local.set $va (f32x4.sub (v128.load (i32.add (local.get $a) (local.get $off))) (local.get $vs)))
                (local.set $vb (f32x4.sub (v128.load (i32.add (local.get $b) (local.get $off))) (local.get $vs)))
                (local.set $s (i32.add (local.get $scratch) (local.get $off)))
                (v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (local.get $va)))
                (local.set $s (i32.add (local.get $s) (local.get $rowBytes)))
                (v128.store (local.get $s)
                  (f32x4.add (v128.load (local.get $s)) (f32x4.mul (local.get $va) (local.get $vb))))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (br $chLoop)))
            (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
            (local.set $b (i32.add (local.get $b) (local.get $rowBytes)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rowLoop)))
        (local.set $ch (i32.const 0))
        (block $flushDone
          (loop $flush
            (br_if $flushDone (i32.ge_u (local.get $ch) (local.get $channels)))
            (local.set $s (i32.shl (local.get $ch) (i32.const 3)))
            (f64.store (i32.add (local.get $outA) (local.get $s))
              (f64.add (f64.load (i32.add (local.get $outA) (local.get $s)))
                (f64.promote_f32
                  (f32.load (i32.add (local.get $scratch) (i32.shl (local.get $ch) (i32.const 2)))))))
            (f64.store (i32.add (local.get $outAB) (local.get $s))
              (f64.add (f64.load (i32.add (local.get $outAB) (local.get $s)))
                (f64.promote_f32
                  (f32.load (i32.add (i32.add (local.get $scratch) (local.get $rowBytes))
                    (i32.shl (local.get $ch) (i32.const 2)))))))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
            (br $flush)))
        (br $blocks))))

  ;; out1 = x·p1 + q1 and out2 = x·p2 + q2, per channel (one read of x, two writes).
  (func (export "affine2")
    (param $x i32) (param $rows i32) (param $channels i32)
    (param $p1 i32) (param $q1 i32) (param $out1 i32)
    (param $p2 i32) (param $q2 i32) (param $out2 i32)
    (local $row i32) (local $off i32) (local $rowBytes i32) (local $vx v128)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $off (i32.const 0))
        (block $chDone
          (loop $chLoop
            (br_if $chDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
            (local.set $vx (v128.load (i32.add (local.get $x) (local.get $off))))
            (v128.store (i32.add (local.get $out1) (local.get $off))
              (f32x4.add (f32x4.mul (local.get $vx) (v128.load (i32.add (local.get $p1) (local.get $off))))
                (v128.load (i32.add (local.get $q1) (local.get $off)))))
            (v128.store (i32.add (local.get $out2) (local.get $off))
              (f32x4.add (f32x4.mul (local.get $vx) (v128.load (i32.add (local.get $p2) (local.get $off))))
                (v128.load (i32.add (local.get $q2) (local.get $off)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $chLoop)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $out1 (i32.add (local.get $out1) (local.get $rowBytes)))
        (local.set $out2 (i32.add (local.get $out2) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))

  ;; out = a·p + b·q + r, per channel.
  (func (export "combine")
    (param $a i32) (param $b i32) (param $rows i32) (param $channels i32)
    (param $p i32) (param $q i32) (param $r i32) (param $out i32)
    (local $row i32) (local $off i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $off (i32.const 0))
        (block $chDone
          (loop $chLoop
            (br_if $chDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $out) (local.get $off))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $off)))
                    (v128.load (i32.add (local.get $p) (local.get $off))))
                  (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $off)))
                    (v128.load (i32.add (local.get $q) (local.get $off)))))
                (v128.load (i32.add (local.get $r) (local.get $off)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $chLoop)))
        (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
        (local.set $b (i32.add (local.get $b) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))

  ;; The same two passes for a batch norm followed by a ReLU (one fused layer pair): the forward
  ;; writes relu(x·p1 + q1); the backward masks dy with the ReLU's output (dy where out > 0, else
  ;; 0, as relu_grad does) as it reads it, so no masked copy of dy is ever stored.

  ;; out1 = relu(x·p1 + q1) and out2 = x·p2 + q2, per channel.
  (func (export "affine2_relu")
    (param $x i32) (param $rows i32) (param $channels i32)
    (param $p1 i32) (param $q1 i32) (param $out1 i32)
    (param $p2 i32) (param $q2 i32) (param $out2 i32)
    (local $row i32) (local $off i32) (local $rowBytes i32) (local $vx v128) (local $vy v128)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $off (i32.const 0))
        (block $chDone
          (loop $chLoop
            (br_if $chDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
            (local.set $vx (v128.load (i32.add (local.get $x) (local.get $off))))
            (local.set $vy
              (f32x4.add (f32x4.mul (local.get $vx) (v128.load (i32.add (local.get $p1) (local.get $off))))
                (v128.load (i32.add (local.get $q1) (local.get $off)))))
            (v128.store (i32.add (local.get $out1) (local.get $off))
              (v128.and (local.get $vy) (f32x4.gt (local.get $vy) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $out2) (local.get $off))
              (f32x4.add (f32x4.mul (local.get $vx) (v128.load (i32.add (local.get $p2) (local.get $off))))
                (v128.load (i32.add (local.get $q2) (local.get $off)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $chLoop)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $out1 (i32.add (local.get $out1) (local.get $rowBytes)))
        (local.set $out2 (i32.add (local.get $out2) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))

  ;; channel_sums with shift 0 and a = (mask > 0 ? a : 0): outA[c] = Σ_r a'[r,c],
  ;; outAB[c] = Σ_r a'[r,c]·b[r,c], in the same order and precision as channel_sums.
  (func (export "channel_sums_masked")
    (param $a i32) (param $mask i32) (param $b i32) (param $rows i32) (param $channels i32)
    (param $scratch i32) (param $outA i32) (param $outAB i32)
    (local $row i32) (local $blockEnd i32) (local $off i32) (local $rowBytes i32)
    (local $va v128) (local $vb v128) (local $s i32) (local $ch i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (memory.fill (local.get $outA) (i32.const 0) (i32.shl (local.get $channels) (i32.const 3)))
    (memory.fill (local.get $outAB) (i32.const 0) (i32.shl (local.get $channels) (i32.const 3)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (memory.fill (local.get $scratch) (i32.const 0) (i32.shl (local.get $rowBytes) (i32.const 1)))
        (local.set $blockEnd (i32.add (local.get $row) (i32.const 32)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $rows))
          (then (local.set $blockEnd (local.get $rows))))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $blockEnd)))
            (local.set $off (i32.const 0))
            (block $chDone
              (loop $chLoop
                (br_if $chDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
                (local.set $va
                  (v128.and (v128.load (i32.add (local.get $a) (local.get $off)))
                    (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $off)))
                      (v128.const f32x4 0 0 0 0))))
                (local.set $vb (v128.load (i32.add (local.get $b) (local.get $off))))
                (local.set $s (i32.add (local.get $scratch) (local.get $off)))
                (v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (local.get $va)))
                (local.set $s (i32.add (local.get $s) (local.get $rowBytes)))
                (v128.store (local.get $s)
                  (f32x4.add (v128.load (local.get $s)) (f32x4.mul (local.get $va) (local.get $vb))))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (br $chLoop)))
            (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
            (local.set $mask (i32.add (local.get $mask) (local.get $rowBytes)))
            (local.set $b (i32.add (local.get $b) (local.get $rowBytes)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rowLoop)))
        (local.set $ch (i32.const 0))
        (block $flushDone
          (loop $flush
            (br_if $flushDone (i32.ge_u (local.get $ch) (local.get $channels)))
            (local.set $s (i32.shl (local.get $ch) (i32.const 3)))
            (f64.store (i32.add (local.get $outA) (local.get $s))
              (f64.add (f64.load (i32.add (local.get $outA) (local.get $s)))
                (f64.promote_f32
                  (f32.load (i32.add (local.get $scratch) (i32.shl (local.get $ch) (i32.const 2)))))))
            (f64.store (i32.add (local.get $outAB) (local.get $s))
              (f64.add (f64.load (i32.add (local.get $outAB) (local.get $s)))
                (f64.promote_f32
                  (f32.load (i32.add (i32.add (local.get $scratch) (local.get $rowBytes))
                    (i32.shl (local.get $ch) (i32.const 2)))))))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
            (br $flush)))
        (br $blocks))))

  ;; out = (mask > 0 ? a : 0)·p + b·q + r, per channel.
  (func (export "combine_masked")
    (param $a i32) (param $mask i32) (param $b i32) (param $rows i32) (param $channels i32)
    (param $p i32) (param $q i32) (param $r i32) (param $out i32)
    (local $row i32) (local $off i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $off (i32.const 0))
        (block $chDone
          (loop $chLoop
            (br_if $chDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $out) (local.get $off))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul
                    (v128.and (v128.load (i32.add (local.get $a) (local.get $off)))
                      (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $off)))
                        (v128.const f32x4 0 0 0 0)))
                    (v128.load (i32.add (local.get $p) (local.get $off))))
                  (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $off)))
                    (v128.load (i32.add (local.get $q) (local.get $off)))))
                (v128.load (i32.add (local.get $r) (local.get $off)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $chLoop)))
        (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
        (local.set $mask (i32.add (local.get $mask) (local.get $rowBytes)))
        (local.set $b (i32.add (local.get $b) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))

  ;; Gradient of a 2×2, stride-2 max pool without padding over NHWC data: each output's
  ;; gradient goes to the first maximum of its window in row-major order (as tfjs's cpu kernel
  ;; and PyTorch do); every other input gets 0 (dx is cleared first, which also covers a last
  ;; odd row/column that no window reads). `channels` must be at least 4; when it is not a
  ;; multiple of 4 the last vector is shifted back to end at the last channel (it recomputes a
  ;; few channels, writing the same values again, and never touches another pixel).
  (func (export "max_pool2_grad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $images i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $outHeight i32) (param $outWidth i32)
    (local $img i32) (local $oy i32) (local $ox i32) (local $off i32)
    (local $pixelBytes i32) (local $rowBytes i32) (local $imageBytes i32)
    (local $p00 i32) (local $p01 i32) (local $p10 i32) (local $p11 i32) (local $at i32) (local $c i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $g v128)
    (local $best v128) (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $taken v128)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $width) (local.get $pixelBytes)))
    (local.set $imageBytes (i32.mul (local.get $height) (local.get $rowBytes)))
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.mul (local.get $images) (local.get $imageBytes)))
    (block $imagesDone
      (loop $imageLoop
        (br_if $imagesDone (i32.ge_u (local.get $img) (local.get $images)))
        (local.set $oy (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outHeight)))
            (local.set $ox (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $ox) (local.get $outWidth)))
                ;; byte offset of the window's top-left pixel within the batch
                (local.set $p00
                  (i32.add (i32.mul (local.get $img) (local.get $imageBytes))
                    (i32.add (i32.mul (i32.shl (local.get $oy) (i32.const 1)) (local.get $rowBytes))
                      (i32.mul (i32.shl (local.get $ox) (i32.const 1)) (local.get $pixelBytes)))))
                (local.set $p01 (i32.add (local.get $p00) (local.get $pixelBytes)))
                (local.set $p10 (i32.add (local.get $p00) (local.get $rowBytes)))
                (local.set $p11 (i32.add (local.get $p10) (local.get $pixelBytes)))
                (local.set $off (i32.const 0))
                (block $chDone
                  (loop $chLoop
                    (br_if $chDone (i32.ge_u (local.get $off) (local.get $pixelBytes)))
                    (local.set $c (local.get $off))
                    (if (i32.gt_u (i32.add (local.get $off) (i32.const 16)) (local.get $pixelBytes))
                      (then (local.set $c (i32.sub (local.get $pixelBytes) (i32.const 16)))))
                    (local.set $a0 (v128.load (i32.add (local.get $x) (i32.add (local.get $p00) (local.get $c)))))
                    (local.set $a1 (v128.load (i32.add (local.get $x) (i32.add (local.get $p01) (local.get $c)))))
                    (local.set $a2 (v128.load (i32.add (local.get $x) (i32.add (local.get $p10) (local.get $c)))))
                    (local.set $a3 (v128.load (i32.add (local.get $x) (i32.add (local.get $p11) (local.get $c)))))
                    (local.set $g (v128.load (i32.add (local.get $dy) (local.get $c))))
                    (local.set $best
                      (f32x4.max (f32x4.max (local.get $a0) (local.get $a1))
                        (f32x4.max (local.get $a2) (local.get $a3))))
                    (local.set $m0 (f32x4.eq (local.get $a0) (local.get $best)))
                    (local.set $m1 (v128.andnot (f32x4.eq (local.get $a1) (local.get $best)) (local.get $m0)))
                    (local.set $taken (v128.or (local.get $m0) (local.get $m1)))
                    (local.set $m2 (v128.andnot (f32x4.eq (local.get $a2) (local.get $best)) (local.get $taken)))
                    (local.set $taken (v128.or (local.get $taken) (local.get $m2)))
                    (v128.store (i32.add (local.get $dx) (i32.add (local.get $p00) (local.get $c)))
                      (v128.and (local.get $g) (local.get $m0)))
                    (v128.store (i32.add (local.get $dx) (i32.add (local.get $p01) (local.get $c)))
                      (v128.and (local.get $g) (local.get $m1)))
                    (v128.store (i32.add (local.get $dx) (i32.add (local.get $p10) (local.get $c)))
                      (v128.and (local.get $g) (local.get $m2)))
                    (v128.store (i32.add (local.get $dx) (i32.add (local.get $p11) (local.get $c)))
                      (v128.and (local.get $g)
                        (v128.andnot (f32x4.eq (local.get $a3) (local.get $best)) (local.get $taken))))
                    (local.set $off (i32.add (local.get $off) (i32.const 16)))
                    (br $chLoop)))
                (local.set $dy (i32.add (local.get $dy) (local.get $pixelBytes)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $colLoop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $rowLoop)))
        (local.set $img (i32.add (local.get $img) (i32.const 1)))
        (br $imageLoop))))
)
