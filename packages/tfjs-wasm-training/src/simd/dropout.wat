;; Inverted dropout over a float32 array in the tfjs wasm backend's own memory (imported), with
;; 128-bit SIMD, drawing its mask from the same generator as S4's JS `Rng` (mulberry32), which
;; is counter-based: draw i (0-based) hashes state + (i + 1)·0x6d2b79f5. So
;;
;;   y[i] = x[i] · (hash(state + (i + 1)·0x6d2b79f5) < threshold ? scale : 0)
;;
;; equals the JS loop `x[i] · (rng.next() < keep ? scale : 0)` bit for bit when threshold =
;; ceil(keep·2³²), and the backward pass is the same call on dy with the same state.
;; Assembled by scripts/build-simd.mjs.
(module
  (import "env" "memory" (memory 0))

  (func $hash (param $s i32) (result i32)
    (local $t i32)
    (local.set $t (i32.mul (i32.xor (local.get $s) (i32.shr_u (local.get $s) (i32.const 15)))
      (i32.or (local.get $s) (i32.const 1))))
    (local.set $t (i32.xor (local.get $t)
      (i32.add (local.get $t)
        (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7)))
          (i32.or (local.get $t) (i32.const 61))))))
    (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))

  (func (export "dropout")
    (param $x i32) (param $y i32) (param $n i32) (param $state i32) (param $threshold i32)
    (param $scale f32)
    (local $i i32) (local $end i32) (local $s v128) (local $t v128) (local $m v128)
    (local $vscale v128) (local $vthreshold v128) (local $step v128)
    (local.set $vscale (f32x4.splat (local.get $scale)))
    (local.set $vthreshold (i32x4.splat (local.get $threshold)))
    (local.set $step (i32x4.splat (i32.const 0xb4ade7d4))) ;; 4 · 0x6d2b79f5 mod 2³²
    (local.set $s (i32x4.add (i32x4.splat (local.get $state))
      (v128.const i32x4 0x6d2b79f5 0xda56f3ea 0x47826ddf 0xb4ade7d4)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (i32x4.mul (v128.xor (local.get $s) (i32x4.shr_u (local.get $s) (i32.const 15)))
          (v128.or (local.get $s) (i32x4.splat (i32.const 1)))))
        (local.set $t (v128.xor (local.get $t)
          (i32x4.add (local.get $t)
            (i32x4.mul (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7)))
              (v128.or (local.get $t) (i32x4.splat (i32.const 61)))))))
        (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
        (local.set $m (v128.and (local.get $vscale) (i32x4.lt_u (local.get $t) (local.get $vthreshold))))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.mul (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
            (local.get $m)))
        (local.set $s (i32x4.add (local.get $s) (local.get $step)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
          (f32.mul (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
            (select (local.get $scale) (f32.const 0)
              (i32.lt_u
                (call $hash (i32.add (local.get $state)
                  (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 0x6d2b79f5))))
                (local.get $threshold)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
