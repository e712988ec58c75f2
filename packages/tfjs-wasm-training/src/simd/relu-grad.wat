;; ReLU's gradient over float32 arrays in the tfjs wasm backend's own memory (imported), with
;; 128-bit SIMD, in one pass: dx = x > 0 ? dy : 0. (tfjs composes it as Step, Cast and Multiply:
;; three kernels and three passes over an activation.) Assembled by scripts/build-simd.mjs.
(module
  (import "env" "memory" (memory 0))

  (func (export "relu_grad") (param $dy i32) (param $x i32) (param $dx i32) (param $n i32)
    (local $i i32) (local $end i32) (local $at i32)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $dx) (local.get $at))
          (v128.and (v128.load (i32.add (local.get $dy) (local.get $at)))
            (f32x4.gt (v128.load (i32.add (local.get $x) (local.get $at))) (v128.const f32x4 0 0 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vector)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $dx) (local.get $at))
          (select (f32.load (i32.add (local.get $dy) (local.get $at))) (f32.const 0)
            (f32.gt (f32.load (i32.add (local.get $x) (local.get $at))) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
