;; The hot loops of the FLAC encoder (formats/flac/encode.ts) in WebAssembly SIMD, driven by flac-kernel.ts.
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

  ;; Rice codes of u[from..to) with parameter k, appended to the bit stream at byte `pos` whose
  ;; pending bits are the low `bits` (0–7) bits of `acc`: for each value its high part in unary
  ;; (zeros, then a one), then its low k bits. Returns the new byte position; the pending bits
  ;; are left at `state` (acc as i32, then bits as i32).
  (func (export "rice")
    (param $u i32) (param $from i32) (param $to i32) (param $k i32) (param $pos i32)
    (param $acc i32) (param $bits i32) (param $state i32) (result i32)
    (local $a i64) (local $n i64) (local $v i32) (local $q i32) (local $p i32) (local $end i32)
    (local $mask i64) (local $kk i64)
    (local.set $a (i64.extend_i32_u (local.get $acc)))
    (local.set $n (i64.extend_i32_u (local.get $bits)))
    (local.set $kk (i64.extend_i32_u (local.get $k)))
    (local.set $mask (i64.sub (i64.shl (i64.const 1) (local.get $kk)) (i64.const 1)))
    (local.set $p (i32.add (local.get $u) (i32.shl (local.get $from) (i32.const 2))))
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $to) (i32.const 2))))
    (block $done
      (loop $values
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (i32.load (local.get $p)))
        (local.set $q (i32.shr_u (local.get $v) (local.get $k)))
        ;; Long runs of zeros, 32 at a time (rare: only where k is far too small).
        (block $zerosDone
          (loop $zeros
            (br_if $zerosDone (i32.lt_u (local.get $q) (i32.const 32)))
            (local.set $a (i64.shl (local.get $a) (i64.const 32)))
            (local.set $n (i64.add (local.get $n) (i64.const 32)))
            (local.set $q (i32.sub (local.get $q) (i32.const 32)))
            (call $drain (local.get $pos) (local.get $a) (local.get $n))
            (local.set $pos (i32.add (local.get $pos) (i32.wrap_i64 (i64.shr_u (local.get $n) (i64.const 3)))))
            (local.set $n (i64.and (local.get $n) (i64.const 7)))
            (br $zeros)))
        ;; q (< 32) zeros and the one; whole bytes out first when the low k (≤ 30) bits would
        ;; not fit in the 64-bit accumulator behind them.
        (local.set $a
          (i64.or (i64.shl (local.get $a) (i64.extend_i32_u (i32.add (local.get $q) (i32.const 1))))
            (i64.const 1)))
        (local.set $n (i64.add (local.get $n) (i64.extend_i32_u (i32.add (local.get $q) (i32.const 1)))))
        (if (i64.gt_u (local.get $n) (i64.const 32))
          (then
            (call $drain (local.get $pos) (local.get $a) (local.get $n))
            (local.set $pos (i32.add (local.get $pos) (i32.wrap_i64 (i64.shr_u (local.get $n) (i64.const 3)))))
            (local.set $n (i64.and (local.get $n) (i64.const 7)))))
        (local.set $a
          (i64.or (i64.shl (local.get $a) (local.get $kk))
            (i64.and (i64.extend_i32_u (local.get $v)) (local.get $mask))))
        (local.set $n (i64.add (local.get $n) (local.get $kk)))
        ;; Whole bytes out (n ≤ 32 + 30 < 64 here).
        (call $drain (local.get $pos) (local.get $a) (local.get $n))
        (local.set $pos (i32.add (local.get $pos) (i32.wrap_i64 (i64.shr_u (local.get $n) (i64.const 3)))))
        (local.set $n (i64.and (local.get $n) (i64.const 7)))
        (local.set $a (i64.and (local.get $a) (i64.sub (i64.shl (i64.const 1) (local.get $n)) (i64.const 1))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $values)))
    (i32.store (local.get $state) (i32.wrap_i64 (local.get $a)))
    (i32.store offset=4 (local.get $state) (i32.wrap_i64 (local.get $n)))
    (local.get $pos))

  ;; Stores the whole bytes of the top of the n low bits of a at out, big-endian (n < 64).
  (func $drain (param $out i32) (param $a i64) (param $n i64)
    (local $bytes i64)
    (local.set $bytes (i64.shr_u (local.get $n) (i64.const 3)))
    (block $done
      (loop $each
        (br_if $done (i64.eqz (local.get $bytes)))
        (local.set $n (i64.sub (local.get $n) (i64.const 8)))
        (i64.store8 (local.get $out) (i64.shr_u (local.get $a) (local.get $n)))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))
        (local.set $bytes (i64.sub (local.get $bytes) (i64.const 1)))
        (br $each))))

;; CRC-16 (polynomial 0x8005) of bytes [from, to). `table` holds four 256-entry u16 tables:
  ;; T0 the usual one and Tk[x] the register after byte x then k zero bytes, so that four bytes
  ;; take one step (slicing by 4; the CRC is linear in its input).
  (func (export "crc16") (param $table i32) (param $from i32) (param $to i32) (result i32)
    (local $c i32)
    (block $done
      (loop $quads
        (br_if $done (i32.gt_u (i32.add (local.get $from) (i32.const 4)) (local.get $to)))
        (local.set $c
          (i32.xor
            (i32.xor
              (i32.load16_u offset=1536 (i32.add (local.get $table) (i32.shl
                (i32.xor (i32.shr_u (local.get $c) (i32.const 8)) (i32.load8_u (local.get $from)))
                (i32.const 1))))
              (i32.load16_u offset=1024 (i32.add (local.get $table) (i32.shl
                (i32.xor (i32.and (local.get $c) (i32.const 0xff)) (i32.load8_u offset=1 (local.get $from)))
                (i32.const 1)))))
            (i32.xor
              (i32.load16_u offset=512 (i32.add (local.get $table) (i32.shl
                (i32.load8_u offset=2 (local.get $from)) (i32.const 1))))
              (i32.load16_u (i32.add (local.get $table) (i32.shl
                (i32.load8_u offset=3 (local.get $from)) (i32.const 1)))))))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (br $quads)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $c
          (i32.xor
            (i32.and (i32.shl (local.get $c) (i32.const 8)) (i32.const 0xffff))
            (i32.load16_u
              (i32.add (local.get $table)
                (i32.shl
                  (i32.xor (i32.shr_u (local.get $c) (i32.const 8)) (i32.load8_u (local.get $from)))
                  (i32.const 1))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $bytes)))
    (local.get $c))

  ;; out[p] (f64) = Σ u[i] over partition p of `parts` partitions of `size` values, the first
  ;; starting at `order` instead of 0.
  (func (export "psums") (param $u i32) (param $order i32) (param $size i32) (param $parts i32)
    (param $out i32)
    (local $p i32) (local $i i32) (local $end i32) (local $acc v128) (local $v v128) (local $s i64)
    (block $done
      (loop $partitions
        (br_if $done (i32.ge_u (local.get $p) (local.get $parts)))
        (local.set $i (select (local.get $order) (i32.mul (local.get $p) (local.get $size))
          (i32.eqz (local.get $p))))
        (local.set $end (i32.mul (i32.add (local.get $p) (i32.const 1)) (local.get $size)))
        (local.set $acc (v128.const i64x2 0 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $end)))
            (local.set $v (v128.load (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $acc (i64x2.add (local.get $acc)
              (i64x2.add (i64x2.extend_low_i32x4_u (local.get $v)) (i64x2.extend_high_i32x4_u (local.get $v)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quads)))
        (local.set $s (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $s (i64.add (local.get $s)
              (i64.extend_i32_u (i32.load (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3)))
          (f64.convert_i64_u (local.get $s)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $partitions))))
)
