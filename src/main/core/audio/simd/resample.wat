;; Polyphase FIR kernel of dsp/resample.ts in WebAssembly SIMD (f32x4).
;;
;; Output frame n = Σ_j table[p·taps + j] · x[xi + j], where the phase p and the input offset xi
;; advance per output by (pInc, bInc) with a carry at `up` (see resampleKernel in dsp/resample.ts).
;; Pointers are byte offsets into the exported memory; x and out are float32 arrays, the table
;; is the float32 copy of the polyphase table (phase-major, `taps` per phase, taps % 4 == 0).
;;
;; Each lane accumulates in float32 (two accumulators per channel, so that consecutive
;; additions are independent), and the 8 lane sums are added in float64 before the single
;; rounding to float32: the result depends only on the output frame, never on how a range is
;; split into calls.
(module
  (memory (export "memory") 1)

  ;; Σ of the 4 lanes of a and b, in float64, rounded once to float32.
  (func $sum8 (param $a v128) (param $b v128) (result f32)
    (local $s v128)
    (local.set $s
      (f64x2.add
        (f64x2.add
          (f64x2.promote_low_f32x4 (local.get $a))
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (f64x2.add
          (f64x2.promote_low_f32x4 (local.get $b))
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b))))))
    (f32.demote_f64
      (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s)))))

  ;; Two channels sharing every coefficient load: outputs into out0[0..count), out1[0..count).
  (func (export "pair")
    (param $x0 i32) (param $x1 i32) (param $table i32) (param $taps i32) (param $up i32)
    (param $p i32) (param $xi i32) (param $pInc i32) (param $bInc i32) (param $count i32)
    (param $out0 i32) (param $out1 i32)
    (local $n i32) (local $c i32) (local $a i32) (local $b i32) (local $j i32) (local $end8 i32)
    (local $bytes i32) (local $h v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local.set $bytes (i32.shl (local.get $taps) (i32.const 2)))
    ;; Bytes covered by the 8-tap loop; a remaining 4 taps (taps % 8 == 4) go to the tail.
    (local.set $end8 (i32.and (local.get $bytes) (i32.const -32)))
    (block $done
      (loop $outputs
        (br_if $done (i32.ge_u (local.get $n) (local.get $count)))
        (local.set $c
          (i32.add (local.get $table) (i32.mul (local.get $p) (local.get $bytes))))
        (local.set $a (i32.add (local.get $x0) (i32.shl (local.get $xi) (i32.const 2))))
        (local.set $b (i32.add (local.get $x1) (i32.shl (local.get $xi) (i32.const 2))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $b1 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $taps8done
          (loop $taps8
            (br_if $taps8done (i32.ge_u (local.get $j) (local.get $end8)))
            (local.set $h (v128.load (i32.add (local.get $c) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (local.get $h) (v128.load (i32.add (local.get $a) (local.get $j))))))
            (local.set $b0 (f32x4.add (local.get $b0)
              (f32x4.mul (local.get $h) (v128.load (i32.add (local.get $b) (local.get $j))))))
            (local.set $h (v128.load offset=16 (i32.add (local.get $c) (local.get $j))))
            (local.set $a1 (f32x4.add (local.get $a1)
              (f32x4.mul (local.get $h) (v128.load offset=16 (i32.add (local.get $a) (local.get $j))))))
            (local.set $b1 (f32x4.add (local.get $b1)
              (f32x4.mul (local.get $h) (v128.load offset=16 (i32.add (local.get $b) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $taps8)))
        (if (i32.lt_u (local.get $j) (local.get $bytes))
          (then
            (local.set $h (v128.load (i32.add (local.get $c) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (local.get $h) (v128.load (i32.add (local.get $a) (local.get $j))))))
            (local.set $b0 (f32x4.add (local.get $b0)
              (f32x4.mul (local.get $h) (v128.load (i32.add (local.get $b) (local.get $j))))))))
        (f32.store (local.get $out0) (call $sum8 (local.get $a0) (local.get $a1)))
        (f32.store (local.get $out1) (call $sum8 (local.get $b0) (local.get $b1)))
        (local.set $out0 (i32.add (local.get $out0) (i32.const 4)))
        (local.set $out1 (i32.add (local.get $out1) (i32.const 4)))
        ;; Next output: advance phase and input offset, carrying at `up`.
        (local.set $p (i32.add (local.get $p) (local.get $pInc)))
        (local.set $xi (i32.add (local.get $xi) (local.get $bInc)))
        (if (i32.ge_u (local.get $p) (local.get $up))
          (then
            (local.set $p (i32.sub (local.get $p) (local.get $up)))
            (local.set $xi (i32.add (local.get $xi) (i32.const 1)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $outputs))))

  ;; One channel: the same arithmetic as one half of "pair", so mono and stereo agree.
  (func (export "single")
    (param $x0 i32) (param $table i32) (param $taps i32) (param $up i32)
    (param $p i32) (param $xi i32) (param $pInc i32) (param $bInc i32) (param $count i32)
    (param $out0 i32)
    (local $n i32) (local $c i32) (local $a i32) (local $j i32) (local $end8 i32)
    (local $bytes i32)
    (local $a0 v128) (local $a1 v128)
    (local.set $bytes (i32.shl (local.get $taps) (i32.const 2)))
    (local.set $end8 (i32.and (local.get $bytes) (i32.const -32)))
    (block $done
      (loop $outputs
        (br_if $done (i32.ge_u (local.get $n) (local.get $count)))
        (local.set $c
          (i32.add (local.get $table) (i32.mul (local.get $p) (local.get $bytes))))
        (local.set $a (i32.add (local.get $x0) (i32.shl (local.get $xi) (i32.const 2))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $taps8done
          (loop $taps8
            (br_if $taps8done (i32.ge_u (local.get $j) (local.get $end8)))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (v128.load (i32.add (local.get $c) (local.get $j)))
                         (v128.load (i32.add (local.get $a) (local.get $j))))))
            (local.set $a1 (f32x4.add (local.get $a1)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $c) (local.get $j)))
                         (v128.load offset=16 (i32.add (local.get $a) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $taps8)))
        (if (i32.lt_u (local.get $j) (local.get $bytes))
          (then
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (v128.load (i32.add (local.get $c) (local.get $j)))
                         (v128.load (i32.add (local.get $a) (local.get $j))))))))
        (f32.store (local.get $out0) (call $sum8 (local.get $a0) (local.get $a1)))
        (local.set $out0 (i32.add (local.get $out0) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (local.get $pInc)))
        (local.set $xi (i32.add (local.get $xi) (local.get $bInc)))
        (if (i32.ge_u (local.get $p) (local.get $up))
          (then
            (local.set $p (i32.sub (local.get $p) (local.get $up)))
            (local.set $xi (i32.add (local.get $xi) (i32.const 1)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $outputs)))))
