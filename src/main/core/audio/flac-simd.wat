;; The hot loops of the FLAC encoder (flac-encode.ts) in WebAssembly SIMD, driven by flac-simd.ts.
;; Pointers are byte offsets into the exported memory; samples are int32 arrays.
;;
;; stereo:   Σ|second-order residual| of left, right, mid and side (the stereo estimate).
;; autocorr: autocorrelation of the windowed block (f64x2).
;; residual: the LPC residual with 8 taps (unused taps are zero), zigzagged, in float64: every
;;           partial sum is an integer below 2^53, so the result is exact and equals the JS path.
(module
  (memory (export "memory") 4)

  ;; out[0..4) (f64) = Σ over i in [2, n) of |l2|, |r2|, |(l2 + r2) >> 1| and |l2 - r2|, where
  ;; l2 = l[i] - 2 l[i-1] + l[i-2] (likewise r2). Samples of at most 24 bits: no overflow.
  (func (export "stereo") (param $l i32) (param $r i32) (param $n i32) (param $out i32)
    (local $i i32) (local $pl i32) (local $pr i32)
    (local $lt v128) (local $rt v128) (local $v v128)
    (local $sl v128) (local $sr v128) (local $sm v128) (local $ss v128)
    (local $a i32) (local $b i32) (local $m i32) (local $d i32)
    (local $tl i64) (local $tr i64) (local $tm i64) (local $td i64)
    (local.set $i (i32.const 2))
    (block $done
      (loop $quads
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (local.set $pl (i32.add (local.get $l) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $pr (i32.add (local.get $r) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $lt
          (i32x4.sub
            (i32x4.add (v128.load (local.get $pl)) (v128.load (i32.sub (local.get $pl) (i32.const 8))))
            (i32x4.shl (v128.load (i32.sub (local.get $pl) (i32.const 4))) (i32.const 1))))
        (local.set $rt
          (i32x4.sub
            (i32x4.add (v128.load (local.get $pr)) (v128.load (i32.sub (local.get $pr) (i32.const 8))))
            (i32x4.shl (v128.load (i32.sub (local.get $pr) (i32.const 4))) (i32.const 1))))
        (local.set $v (i32x4.abs (local.get $lt)))
        (local.set $sl (i64x2.add (local.get $sl)
          (i64x2.add (i64x2.extend_low_i32x4_u (local.get $v)) (i64x2.extend_high_i32x4_u (local.get $v)))))
        (local.set $v (i32x4.abs (local.get $rt)))
        (local.set $sr (i64x2.add (local.get $sr)
          (i64x2.add (i64x2.extend_low_i32x4_u (local.get $v)) (i64x2.extend_high_i32x4_u (local.get $v)))))
        (local.set $v (i32x4.abs (i32x4.shr_s (i32x4.add (local.get $lt) (local.get $rt)) (i32.const 1))))
        (local.set $sm (i64x2.add (local.get $sm)
          (i64x2.add (i64x2.extend_low_i32x4_u (local.get $v)) (i64x2.extend_high_i32x4_u (local.get $v)))))
        (local.set $v (i32x4.abs (i32x4.sub (local.get $lt) (local.get $rt))))
        (local.set $ss (i64x2.add (local.get $ss)
          (i64x2.add (i64x2.extend_low_i32x4_u (local.get $v)) (i64x2.extend_high_i32x4_u (local.get $v)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
    (local.set $tl (i64.add (i64x2.extract_lane 0 (local.get $sl)) (i64x2.extract_lane 1 (local.get $sl))))
    (local.set $tr (i64.add (i64x2.extract_lane 0 (local.get $sr)) (i64x2.extract_lane 1 (local.get $sr))))
    (local.set $tm (i64.add (i64x2.extract_lane 0 (local.get $sm)) (i64x2.extract_lane 1 (local.get $sm))))
    (local.set $td (i64.add (i64x2.extract_lane 0 (local.get $ss)) (i64x2.extract_lane 1 (local.get $ss))))
    ;; The last 0–3 samples one at a time.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $pl (i32.add (local.get $l) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $pr (i32.add (local.get $r) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $a
          (i32.sub
            (i32.add (i32.load (local.get $pl)) (i32.load (i32.sub (local.get $pl) (i32.const 8))))
            (i32.shl (i32.load (i32.sub (local.get $pl) (i32.const 4))) (i32.const 1))))
        (local.set $b
          (i32.sub
            (i32.add (i32.load (local.get $pr)) (i32.load (i32.sub (local.get $pr) (i32.const 8))))
            (i32.shl (i32.load (i32.sub (local.get $pr) (i32.const 4))) (i32.const 1))))
        (local.set $m (i32.shr_s (i32.add (local.get $a) (local.get $b)) (i32.const 1)))
        (local.set $d (i32.sub (local.get $a) (local.get $b)))
        (local.set $tl (i64.add (local.get $tl) (i64.extend_i32_u (call $abs (local.get $a)))))
        (local.set $tr (i64.add (local.get $tr) (i64.extend_i32_u (call $abs (local.get $b)))))
        (local.set $tm (i64.add (local.get $tm) (i64.extend_i32_u (call $abs (local.get $m)))))
        (local.set $td (i64.add (local.get $td) (i64.extend_i32_u (call $abs (local.get $d)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f64.store (local.get $out) (f64.convert_i64_u (local.get $tl)))
    (f64.store offset=8 (local.get $out) (f64.convert_i64_u (local.get $tr)))
    (f64.store offset=16 (local.get $out) (f64.convert_i64_u (local.get $tm)))
    (f64.store offset=24 (local.get $out) (f64.convert_i64_u (local.get $td))))

  (func $abs (param $v i32) (result i32)
    (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v)
      (i32.lt_s (local.get $v) (i32.const 0))))

  ;; scratch[i] = x[i] × win[i] for i in [0, n), then out[lag] = Σ_{i ≥ lag} scratch[i] ×
  ;; scratch[i - lag] for lag in [0, maxLag]. scratch has room for n + 1 values.
  (func (export "autocorr")
    (param $x i32) (param $win i32) (param $scr i32) (param $n i32) (param $maxLag i32)
    (param $out i32)
    (local $i i32) (local $lag i32) (local $p i32) (local $q i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $s f64)
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (v128.store
          (i32.add (local.get $scr) (i32.shl (local.get $i) (i32.const 3)))
          (f64x2.mul
            (f64x2.convert_low_i32x4_s
              (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
            (v128.load (i32.add (local.get $win) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $copy)))
    (local.set $lag (i32.const 0))
    (block $lagsDone
      (loop $lags
        (br_if $lagsDone (i32.gt_u (local.get $lag) (local.get $maxLag)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $i (local.get $lag))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
            (local.set $p (i32.add (local.get $scr) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $q (i32.sub (local.get $p) (i32.shl (local.get $lag) (i32.const 3))))
            (local.set $a0 (f64x2.add (local.get $a0)
              (f64x2.mul (v128.load (local.get $p)) (v128.load (local.get $q)))))
            (local.set $a1 (f64x2.add (local.get $a1)
              (f64x2.mul (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quads)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $p (i32.add (local.get $scr) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load (local.get $p))
                (f64.load (i32.sub (local.get $p) (i32.shl (local.get $lag) (i32.const 3)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $lag) (i32.const 3))) (local.get $s))
        (local.set $lag (i32.add (local.get $lag) (i32.const 1)))
        (br $lags))))

  ;; For i in [8, 8 + 2 × pairs): r = x[i] - floor(Σ_j qlp[j] × x[i - 1 - j] × inv), stored in
  ;; u[i] as 2r (r ≥ 0) or -2r - 1. inv = 2^-shift. Returns the largest |r|.
  (func (export "residual")
    (param $x i32) (param $qlp i32) (param $inv f64) (param $pairs i32) (param $u i32)
    (result f64)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local $scale v128) (local $one v128) (local $zero v128) (local $peak v128)
    (local $s v128) (local $r v128) (local $a v128) (local $p i32) (local $o i32)
    (local.set $c0 (f64x2.splat (f64.convert_i32_s (i32.load (local.get $qlp)))))
    (local.set $c1 (f64x2.splat (f64.convert_i32_s (i32.load offset=4 (local.get $qlp)))))
    (local.set $c2 (f64x2.splat (f64.convert_i32_s (i32.load offset=8 (local.get $qlp)))))
    (local.set $c3 (f64x2.splat (f64.convert_i32_s (i32.load offset=12 (local.get $qlp)))))
    (local.set $c4 (f64x2.splat (f64.convert_i32_s (i32.load offset=16 (local.get $qlp)))))
    (local.set $c5 (f64x2.splat (f64.convert_i32_s (i32.load offset=20 (local.get $qlp)))))
    (local.set $c6 (f64x2.splat (f64.convert_i32_s (i32.load offset=24 (local.get $qlp)))))
    (local.set $c7 (f64x2.splat (f64.convert_i32_s (i32.load offset=28 (local.get $qlp)))))
    (local.set $scale (f64x2.splat (local.get $inv)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $p (i32.add (local.get $x) (i32.const 32)))
    (local.set $o (i32.add (local.get $u) (i32.const 32)))
    (block $done
      (loop $pairsLoop
        (br_if $done (i32.eqz (local.get $pairs)))
        (local.set $s
          (f64x2.add
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $c0) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 4)))))
                (f64x2.mul (local.get $c1) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 8))))))
              (f64x2.add
                (f64x2.mul (local.get $c2) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 12)))))
                (f64x2.mul (local.get $c3) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 16)))))))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $c4) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 20)))))
                (f64x2.mul (local.get $c5) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 24))))))
              (f64x2.add
                (f64x2.mul (local.get $c6) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 28)))))
                (f64x2.mul (local.get $c7) (f64x2.convert_low_i32x4_s (v128.load64_zero (i32.sub (local.get $p) (i32.const 32)))))))))
        (local.set $r
          (f64x2.sub
            (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $p)))
            (f64x2.floor (f64x2.mul (local.get $s) (local.get $scale)))))
        (local.set $a (f64x2.abs (local.get $r)))
        (local.set $peak (f64x2.max (local.get $peak) (local.get $a)))
        (v128.store64_lane 0 (local.get $o)
          (i32x4.trunc_sat_f64x2_u_zero
            (f64x2.sub
              (f64x2.add (local.get $a) (local.get $a))
              (v128.and (f64x2.lt (local.get $r) (local.get $zero)) (local.get $one)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (local.set $pairs (i32.sub (local.get $pairs) (i32.const 1)))
        (br $pairsLoop)))
    (f64.max (f64x2.extract_lane 0 (local.get $peak)) (f64x2.extract_lane 1 (local.get $peak))))
)
