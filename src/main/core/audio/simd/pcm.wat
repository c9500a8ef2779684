;; PCM kernels of the WAV export in WebAssembly SIMD: float32 planar stereo to interleaved
;; little-endian int24 / int16 (byte for byte as encodeWavFramesInto in formats/wav/encode.ts), and the
;; float32 sum of the mix. Pointers are byte offsets into the exported memory; counts are in
;; whole groups (8 frames for int24, 4 for int16, 4 floats for the sum): the caller pads.
(module
  (memory (export "memory") 1)

  ;; Each sample is quantized inline (V8 here does not inline wasm calls, which cost more than
  ;; the arithmetic): y = clamp(x × scale, lo, hi) with pmin/pmax, which keep a NaN y (x NaN);
  ;; then floor(y) + (y - floor(y) >= 0.5), which is Math.floor(y + 0.5) taken exactly: y is
  ;; exact in float32 (a power-of-two scale), and so is y - floor(y) wherever it decides the
  ;; result. trunc_sat turns NaN into 0, and the comparison of a NaN is false.
  ;; `groups` × 8 frames: left[], right[] float32 → out[] 48 bytes per group.
  (func (export "encode24")
    (param $left i32) (param $right i32) (param $out i32) (param $groups i32)
    (local $scale v128) (local $lo v128) (local $hi v128) (local $y v128) (local $q v128)
    (local $l v128) (local $r v128) (local $a v128) (local $b v128) (local $c v128)
    (local $d v128)
    (local.set $scale (v128.const f32x4 8388608 8388608 8388608 8388608))
    (local.set $lo (v128.const f32x4 -8388608 -8388608 -8388608 -8388608))
    (local.set $hi (v128.const f32x4 8388607 8388607 8388607 8388607))
    (block $done
      (loop $group
        (br_if $done (i32.eqz (local.get $groups)))
        ;; Samples in file order: a = L0 R0 L1 R1, b = L2 R2 L3 R3, c and d the next 4 frames.
        (local.set $l (block (result v128)
          (local.set $y (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load (local.get $left)) (local.get $scale)) (local.get $lo)) (local.get $hi)))
          (local.set $q (f32x4.floor (local.get $y)))
          (i32x4.sub (i32x4.trunc_sat_f32x4_s (local.get $q))
            (f32x4.ge (f32x4.sub (local.get $y) (local.get $q)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        (local.set $r (block (result v128)
          (local.set $y (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load (local.get $right)) (local.get $scale)) (local.get $lo)) (local.get $hi)))
          (local.set $q (f32x4.floor (local.get $y)))
          (i32x4.sub (i32x4.trunc_sat_f32x4_s (local.get $q))
            (f32x4.ge (f32x4.sub (local.get $y) (local.get $q)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (local.get $l) (local.get $r)))
        (local.set $b (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (local.get $l) (local.get $r)))
        (local.set $l (block (result v128)
          (local.set $y (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load offset=16 (local.get $left)) (local.get $scale)) (local.get $lo)) (local.get $hi)))
          (local.set $q (f32x4.floor (local.get $y)))
          (i32x4.sub (i32x4.trunc_sat_f32x4_s (local.get $q))
            (f32x4.ge (f32x4.sub (local.get $y) (local.get $q)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        (local.set $r (block (result v128)
          (local.set $y (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load offset=16 (local.get $right)) (local.get $scale)) (local.get $lo)) (local.get $hi)))
          (local.set $q (f32x4.floor (local.get $y)))
          (i32x4.sub (i32x4.trunc_sat_f32x4_s (local.get $q))
            (f32x4.ge (f32x4.sub (local.get $y) (local.get $q)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        (local.set $c (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (local.get $l) (local.get $r)))
        (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (local.get $l) (local.get $r)))
        ;; The low 3 bytes of each of the 16 samples, as 48 consecutive bytes.
        (v128.store (local.get $out)
          (i8x16.shuffle 0 1 2 4 5 6 8 9 10 12 13 14 16 17 18 20 (local.get $a) (local.get $b)))
        (v128.store offset=16 (local.get $out)
          (i8x16.shuffle 5 6 8 9 10 12 13 14 16 17 18 20 21 22 24 25 (local.get $b) (local.get $c)))
        (v128.store offset=32 (local.get $out)
          (i8x16.shuffle 10 12 13 14 16 17 18 20 21 22 24 25 26 28 29 30 (local.get $c) (local.get $d)))
        (local.set $left (i32.add (local.get $left) (i32.const 32)))
        (local.set $right (i32.add (local.get $right) (i32.const 32)))
        (local.set $out (i32.add (local.get $out) (i32.const 48)))
        (local.set $groups (i32.sub (local.get $groups) (i32.const 1)))
        (br $group))))

  ;; `groups` × 4 frames: left[], right[] float32 → out[] 16 bytes per group.
  (func (export "encode16")
    (param $left i32) (param $right i32) (param $out i32) (param $groups i32)
    (local $scale v128) (local $lo v128) (local $hi v128) (local $y v128) (local $q v128) (local $l v128) (local $r v128)
    (local.set $scale (v128.const f32x4 32768 32768 32768 32768))
    (local.set $lo (v128.const f32x4 -32768 -32768 -32768 -32768))
    (local.set $hi (v128.const f32x4 32767 32767 32767 32767))
    (block $done
      (loop $group
        (br_if $done (i32.eqz (local.get $groups)))
        (local.set $l (block (result v128)
          (local.set $y (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load (local.get $left)) (local.get $scale)) (local.get $lo)) (local.get $hi)))
          (local.set $q (f32x4.floor (local.get $y)))
          (i32x4.sub (i32x4.trunc_sat_f32x4_s (local.get $q))
            (f32x4.ge (f32x4.sub (local.get $y) (local.get $q)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        (local.set $r (block (result v128)
          (local.set $y (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load (local.get $right)) (local.get $scale)) (local.get $lo)) (local.get $hi)))
          (local.set $q (f32x4.floor (local.get $y)))
          (i32x4.sub (i32x4.trunc_sat_f32x4_s (local.get $q))
            (f32x4.ge (f32x4.sub (local.get $y) (local.get $q)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        ;; Values are in int16 range already: the saturating narrow only packs them.
        (v128.store (local.get $out)
          (i16x8.narrow_i32x4_s
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l) (local.get $r))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $l) (local.get $r))))
        (local.set $left (i32.add (local.get $left) (i32.const 16)))
        (local.set $right (i32.add (local.get $right) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $groups (i32.sub (local.get $groups) (i32.const 1)))
        (br $group))))

  ;; `groups` × 4 floats: out[i] = out[i] + add[i] in float32.
  (func (export "add")
    (param $out i32) (param $add i32) (param $groups i32)
    (block $done
      (loop $group
        (br_if $done (i32.eqz (local.get $groups)))
        (v128.store (local.get $out)
          (f32x4.add (v128.load (local.get $out)) (v128.load (local.get $add))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $add (i32.add (local.get $add) (i32.const 16)))
        (local.set $groups (i32.sub (local.get $groups) (i32.const 1)))
        (br $group)))))
