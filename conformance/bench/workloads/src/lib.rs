//! The bench's workloads, `no_std` and allocation-free, so that one source runs as a
//! WebAssembly guest and as native code on every MCU target.
//!
//! Each workload works in a caller-provided scratch area (allocated before the measured region),
//! returns a checksum of what it computed, and checks itself: [`Workload::run`] returns
//! `Err(checksum)` when the checksum is not the expected one, or when an intrinsic check (a
//! known SHA-256 vector, a sorted array, conserved energy) fails. Each is sized for about
//! 1-10 M native instructions on a 32-bit core.
//!
//! Floating point uses only `+ - * /` (correctly rounded in IEEE 754 on every target, soft or
//! hard float) and a Newton square root, so the f32/f64 results are bit-identical everywhere.
#![no_std]

/// Scratch words every runner provides (160 KiB).
pub const SCRATCH_WORDS: usize = 40 * 1024;

/// One workload: a name, its code, and the checksum a correct run produces.
pub struct Workload {
    pub name: &'static str,
    pub what: &'static str,
    code: fn(&mut [u32]) -> Result<u32, u32>,
    expected: u32,
}

impl Workload {
    /// Runs the workload in `scratch` (at least [`SCRATCH_WORDS`] words). `Ok(checksum)` when
    /// it computed the right answer, `Err(checksum)` when not.
    pub fn run(&self, scratch: &mut [u32]) -> Result<u32, u32> {
        if scratch.len() < SCRATCH_WORDS {
            return Err(0);
        }
        let sum = (self.code)(scratch)?;
        if sum == self.expected {
            Ok(sum)
        } else {
            Err(sum)
        }
    }
}

pub const ALL: &[Workload] = &[
    Workload { name: "crc32", what: "CRC-32 (table) over 64 KiB", code: crc32, expected: 0x750b_a5d8 },
    Workload { name: "sha256", what: "SHA-256 of 16 KiB", code: sha256, expected: 0x6679_e3a5 },
    Workload { name: "matmul", what: "i32 matrix multiply 40x40", code: matmul, expected: 0x5921_cb27 },
    Workload { name: "nbody_f32", what: "n-body, 5 bodies, 100 steps, f32", code: nbody_f32, expected: 0xe039_d99a },
    Workload { name: "nbody_f64", what: "n-body, 5 bodies, 100 steps, f64", code: nbody_f64, expected: 0x9485_4937 },
    Workload { name: "quicksort", what: "quicksort of 8192 u32", code: quicksort, expected: 0xcce6_9ff7 },
    Workload { name: "fib", what: "recursive Fibonacci(24)", code: fib, expected: 46368 },
    Workload { name: "memops", what: "memory.copy/fill, 64 x 16 KiB", code: memops, expected: 0x7d80_da39 },
    Workload { name: "parser", what: "branchy tokenizer over 16 KiB of text", code: parser, expected: 0x993f_9a8b },
    Workload { name: "coremark", what: "CoreMark-like list/matrix/state mix", code: coremark, expected: 0x0000_fad4 },
];

pub fn find(name: &str) -> Option<&'static Workload> {
    ALL.iter().find(|w| w.name == name)
}

/// Keeps the optimiser from folding a value computed from constants.
#[inline(always)]
fn opaque<T>(value: T) -> T {
    core::hint::black_box(value)
}

fn bytes(words: &mut [u32]) -> &mut [u8] {
    // SAFETY: u8 has no alignment or validity requirements; the length is in bytes.
    unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 4) }
}

/// A small deterministic generator (xorshift32).
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

fn fill_random(buf: &mut [u8], seed: u32) {
    let mut rng = Rng(seed);
    for chunk in buf.chunks_mut(4) {
        let v = rng.next().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}

// ---- CRC-32 -------------------------------------------------------------------------------

fn crc32_table(table: &mut [u32]) {
    for (i, slot) in table.iter_mut().enumerate().take(256) {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *slot = c;
    }
}

fn crc32_update(table: &[u32], crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c = table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

fn crc32(scratch: &mut [u32]) -> Result<u32, u32> {
    let (table, rest) = scratch.split_at_mut(256);
    crc32_table(table);
    // The standard check value: CRC-32("123456789") = 0xCBF43926.
    if crc32_update(table, 0, opaque(b"123456789")) != 0xCBF4_3926 {
        return Err(1);
    }
    let data = &mut bytes(rest)[..64 * 1024];
    fill_random(data, opaque(0x1234_5678));
    Ok(crc32_update(table, 0, data))
}

// ---- SHA-256 ------------------------------------------------------------------------------

const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256_block(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(K256[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// SHA-256 of `data`; `data.len()` bytes plus padding are hashed block by block.
fn sha256_digest(data: &[u8]) -> [u32; 8] {
    let mut state = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut chunks = data.chunks_exact(64);
    for block in &mut chunks {
        sha256_block(&mut state, block);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let blocks = if rest.len() < 56 { 1 } else { 2 };
    let bits = (data.len() as u64) * 8;
    tail[blocks * 64 - 8..blocks * 64].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..blocks * 64].chunks_exact(64) {
        sha256_block(&mut state, block);
    }
    state
}

fn sha256(scratch: &mut [u32]) -> Result<u32, u32> {
    // FIPS 180-2 example: SHA-256("abc") = ba7816bf 8f01cfea ...
    let abc = sha256_digest(opaque(b"abc"));
    if abc[0] != 0xba78_16bf || abc[7] != 0xf200_15ad {
        return Err(1);
    }
    let data = &mut bytes(scratch)[..16 * 1024];
    fill_random(data, opaque(0x0bad_cafe));
    let digest = sha256_digest(data);
    Ok(digest.iter().fold(0, |acc, &w| acc.rotate_left(5) ^ w))
}

// ---- Integer matrix multiply --------------------------------------------------------------

const N_MAT: usize = 40;

fn matmul(scratch: &mut [u32]) -> Result<u32, u32> {
    let n = opaque(N_MAT);
    let (a, rest) = scratch.split_at_mut(N_MAT * N_MAT);
    let (b, rest) = rest.split_at_mut(N_MAT * N_MAT);
    let c = &mut rest[..N_MAT * N_MAT];
    let mut rng = Rng(opaque(42));
    for v in a.iter_mut().chain(b.iter_mut()) {
        *v = (rng.next() % 2001) as i32 as u32; // 0..2000, as i32 bits
    }
    for i in 0..n {
        for j in 0..n {
            let mut sum: i32 = 0;
            for k in 0..n {
                sum = sum.wrapping_add((a[i * n + k] as i32 - 1000).wrapping_mul(b[k * n + j] as i32 - 1000));
            }
            c[i * n + j] = sum as u32;
        }
    }
    // Check one element against a separate computation.
    let (i, j) = (7, 13);
    let mut expect: i32 = 0;
    for k in 0..n {
        expect = expect.wrapping_add((a[i * n + k] as i32 - 1000) * (b[k * n + j] as i32 - 1000));
    }
    if c[i * n + j] as i32 != expect {
        return Err(1);
    }
    Ok(c.iter().fold(0u32, |acc, &v| acc.rotate_left(3).wrapping_add(v)))
}

// ---- n-body (f32 and f64) -----------------------------------------------------------------

macro_rules! nbody {
    ($name:ident, $f:ty, $bits:ident) => {
        fn $name(_scratch: &mut [u32]) -> Result<u32, u32> {
            /// Newton square root: basic operations only, so bit-identical on every target.
            fn sqrt(x: $f) -> $f {
                if x <= 0.0 {
                    return 0.0;
                }
                // Start from a power of two near sqrt(x), then converge quadratically.
                let mut y: $f = 1.0;
                let mut m = x;
                while m > 4.0 {
                    m *= 0.25;
                    y *= 2.0;
                }
                while m < 0.25 {
                    m *= 4.0;
                    y *= 0.5;
                }
                for _ in 0..6 {
                    y = 0.5 * (y + x / y);
                }
                y
            }
            const PI: $f = 3.141_592_653_589_793;
            const SOLAR_MASS: $f = 4.0 * PI * PI;
            const DAYS: $f = 365.24;
            // Sun, Jupiter, Saturn, Uranus, Neptune: position, velocity (per day), mass.
            let mut body: [[$f; 7]; 5] = [
                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS],
                [4.841_431_442_464_72, -1.160_320_044_027_428_4, -0.103_622_044_471_123_1,
                 1.660_076_642_744_037e-3 * DAYS, 7.699_011_184_197_404e-3 * DAYS, -6.904_600_169_720_63e-5 * DAYS,
                 9.547_919_384_243_266e-4 * SOLAR_MASS],
                [8.343_366_718_244_58, 4.124_798_564_124_305, -0.403_523_417_114_321_4,
                 -2.767_425_107_268_624e-3 * DAYS, 4.998_528_012_349_172e-3 * DAYS, 2.304_172_975_737_639_3e-5 * DAYS,
                 2.858_859_806_661_308e-4 * SOLAR_MASS],
                [12.894_369_562_139_131, -15.111_151_401_698_631, -0.223_307_578_892_655_73,
                 2.964_601_375_647_616e-3 * DAYS, 2.378_471_739_594_809_5e-3 * DAYS, -2.965_895_685_402_375_6e-5 * DAYS,
                 4.366_244_043_351_563e-5 * SOLAR_MASS],
                [15.379_697_114_850_917, -25.919_314_609_987_964, 0.179_258_772_950_371_18,
                 2.680_677_724_903_893_2e-3 * DAYS, 1.628_241_700_382_423e-3 * DAYS, -9.515_922_545_197_159e-5 * DAYS,
                 5.151_389_020_466_114_5e-5 * SOLAR_MASS],
            ];
            body = opaque(body);
            // Offset the sun's momentum.
            let mut p = [0.0 as $f; 3];
            for b in &body {
                for k in 0..3 {
                    p[k] += b[3 + k] * b[6];
                }
            }
            for k in 0..3 {
                body[0][3 + k] = -p[k] / SOLAR_MASS;
            }
            let energy = |body: &[[$f; 7]; 5]| -> $f {
                let mut e: $f = 0.0;
                for i in 0..5 {
                    let b = &body[i];
                    e += 0.5 * b[6] * (b[3] * b[3] + b[4] * b[4] + b[5] * b[5]);
                    for j in i + 1..5 {
                        let o = &body[j];
                        let (dx, dy, dz) = (b[0] - o[0], b[1] - o[1], b[2] - o[2]);
                        e -= b[6] * o[6] / sqrt(dx * dx + dy * dy + dz * dz);
                    }
                }
                e
            };
            let before = energy(&body);
            let dt: $f = opaque(0.01);
            for _ in 0..opaque(100) {
                for i in 0..5 {
                    for j in i + 1..5 {
                        let (dx, dy, dz) = (
                            body[i][0] - body[j][0],
                            body[i][1] - body[j][1],
                            body[i][2] - body[j][2],
                        );
                        let d2 = dx * dx + dy * dy + dz * dz;
                        let mag = dt / (d2 * sqrt(d2));
                        let (mi, mj) = (body[i][6] * mag, body[j][6] * mag);
                        body[i][3] -= dx * mj;
                        body[i][4] -= dy * mj;
                        body[i][5] -= dz * mj;
                        body[j][3] += dx * mi;
                        body[j][4] += dy * mi;
                        body[j][5] += dz * mi;
                    }
                }
                for b in body.iter_mut() {
                    b[0] += dt * b[3];
                    b[1] += dt * b[4];
                    b[2] += dt * b[5];
                }
            }
            let after = energy(&body);
            // The integrator conserves energy closely over so few steps.
            let drift = (after - before) / before;
            if !(drift < 1e-3 && drift > -1e-3) {
                return Err(1);
            }
            let (a, b) = (after.to_bits() as u64, before.to_bits() as u64);
            Ok(((a ^ (a >> 32)) as u32).wrapping_add(((b ^ (b >> 32)) as u32).rotate_left(16)))
        }
    };
}

nbody!(nbody_f32, f32, u32);
nbody!(nbody_f64, f64, u64);

// ---- Quicksort ----------------------------------------------------------------------------

const N_SORT: usize = 8192;

fn quicksort_slice(v: &mut [u32]) {
    let mut v = v;
    // Recurse on the smaller side, loop on the larger: depth stays logarithmic.
    while v.len() > 1 {
        // Median of three, left at the lower middle index: Hoare's scheme then always splits.
        let (last, mid) = (v.len() - 1, (v.len() - 1) / 2);
        if v[mid] < v[0] {
            v.swap(mid, 0);
        }
        if v[last] < v[0] {
            v.swap(last, 0);
        }
        if v[last] < v[mid] {
            v.swap(last, mid);
        }
        let pivot = v[mid];
        let (mut i, mut j) = (0usize, v.len() - 1);
        loop {
            while v[i] < pivot {
                i += 1;
            }
            while v[j] > pivot {
                j -= 1;
            }
            if i >= j {
                break;
            }
            v.swap(i, j);
            i += 1;
            j -= 1;
        }
        let (left, right) = v.split_at_mut(j + 1);
        if left.len() < right.len() {
            quicksort_slice(left);
            v = right;
        } else {
            quicksort_slice(right);
            v = left;
        }
    }
}

fn quicksort(scratch: &mut [u32]) -> Result<u32, u32> {
    let v = &mut scratch[..N_SORT];
    let mut rng = Rng(opaque(7));
    let mut xor = 0;
    for x in v.iter_mut() {
        *x = rng.next() % 100_000;
        xor ^= *x;
    }
    quicksort_slice(v);
    if v.windows(2).any(|w| w[0] > w[1]) || v.iter().fold(0, |a, &x| a ^ x) != xor {
        return Err(1);
    }
    Ok(v.iter().enumerate().fold(0u32, |acc, (i, &x)| acc.wrapping_mul(31).wrapping_add(x ^ i as u32)))
}

// ---- Recursive Fibonacci ------------------------------------------------------------------

#[inline(never)]
fn fib_rec(n: u32) -> u32 {
    if n < 2 {
        n
    } else {
        fib_rec(n - 1) + fib_rec(n - 2)
    }
}

fn fib(_scratch: &mut [u32]) -> Result<u32, u32> {
    Ok(fib_rec(opaque(24)))
}

// ---- memory.copy / memory.fill ------------------------------------------------------------

fn memops(scratch: &mut [u32]) -> Result<u32, u32> {
    const LEN: usize = 16 * 1024;
    let buf = &mut bytes(scratch)[..3 * LEN];
    let (a, rest) = buf.split_at_mut(LEN);
    let (b, c) = rest.split_at_mut(LEN);
    let rounds = opaque(64usize);
    let mut sum = 0u32;
    for r in 0..rounds {
        let shift = opaque(r * 7 % 61);
        a.fill(r as u8);
        a[shift..shift + 64].fill(0x5a);
        b[shift..].copy_from_slice(&a[..LEN - shift]);
        c[..LEN - 3].copy_from_slice(&b[3..]);
        sum = sum.wrapping_mul(33).wrapping_add(c[r * 251 % LEN] as u32 + ((c[shift] as u32) << 8));
    }
    // Within one buffer (memmove semantics).
    a.copy_within(1000..LEN, 17);
    sum = sum.wrapping_add(a[17] as u32 + ((a[LEN - 1000] as u32) << 16));
    Ok(sum)
}

// ---- Branchy byte-stream parser -----------------------------------------------------------

/// Writes a text of records like `id=123;name="ab c";vals=[1,-2,30];flag=true\n` into `out`.
fn generate_text(out: &mut [u8], seed: u32) -> usize {
    let mut rng = Rng(seed);
    let mut n = 0;
    let limit = out.len();
    let mut put = |s: &[u8], n: &mut usize| {
        for &c in s {
            if *n < out.len() {
                out[*n] = c;
                *n += 1;
            }
        }
    };
    let mut number = [0u8; 12];
    while n + 64 < limit {
        let fields = 1 + rng.next() % 4;
        for f in 0..fields {
            if f > 0 {
                put(b";", &mut n);
            }
            match rng.next() % 5 {
                0 => put(b"id=", &mut n),
                1 => put(b"name=", &mut n),
                2 => put(b"vals=", &mut n),
                3 => put(b"flag=", &mut n),
                _ => put(b"  x_y = ", &mut n),
            }
            match rng.next() % 4 {
                0 => {
                    let mut v = rng.next() % 100_000;
                    let mut len = 0;
                    loop {
                        number[len] = b'0' + (v % 10) as u8;
                        len += 1;
                        v /= 10;
                        if v == 0 {
                            break;
                        }
                    }
                    number[..len].reverse();
                    if rng.next() % 3 == 0 {
                        put(b"-", &mut n);
                    }
                    put(&number[..len], &mut n);
                }
                1 => {
                    put(b"\"", &mut n);
                    for _ in 0..rng.next() % 8 {
                        match rng.next() % 9 {
                            8 => put(b"\\\"", &mut n),
                            i => put(&[b"abc defz"[i as usize]], &mut n),
                        }
                    }
                    put(b"\"", &mut n);
                }
                2 => {
                    put(b"[", &mut n);
                    for i in 0..rng.next() % 5 {
                        if i > 0 {
                            put(b",", &mut n);
                        }
                        let d = b'0' + (rng.next() % 10) as u8;
                        put(&[d, d], &mut n);
                    }
                    put(b"]", &mut n);
                }
                _ => put(if rng.next() % 2 == 0 { b"true" } else { b"false" }, &mut n),
            }
        }
        put(b"\n", &mut n);
    }
    n
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Key,
    Value,
    Number,
    Str,
    Escape,
    List,
    Word,
}

fn parser(scratch: &mut [u32]) -> Result<u32, u32> {
    let buf = &mut bytes(scratch)[..16 * 1024];
    let len = generate_text(buf, opaque(99));
    let text = &buf[..len];
    let (mut keys, mut numbers, mut strings, mut lists, mut words, mut lines) = (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    let mut total: i32 = 0;
    let mut value: i32 = 0;
    let mut negative = false;
    let mut hash = 0u32;
    let mut state = State::Key;
    for &c in text {
        hash = hash.rotate_left(1) ^ c as u32;
        state = match state {
            State::Key => match c {
                b'=' => {
                    keys += 1;
                    State::Value
                }
                b'\n' => {
                    lines += 1;
                    State::Key
                }
                b' ' | b';' => State::Key,
                b'a'..=b'z' | b'_' => State::Key,
                _ => return Err(2),
            },
            State::Value => match c {
                b' ' => State::Value,
                b'-' => {
                    negative = true;
                    value = 0;
                    State::Number
                }
                b'0'..=b'9' => {
                    negative = false;
                    value = (c - b'0') as i32;
                    State::Number
                }
                b'"' => State::Str,
                b'[' => State::List,
                b't' | b'f' => State::Word,
                _ => return Err(3),
            },
            State::Number => match c {
                b'0'..=b'9' => {
                    value = value * 10 + (c - b'0') as i32;
                    State::Number
                }
                b';' | b'\n' => {
                    numbers += 1;
                    total = total.wrapping_add(if negative { -value } else { value });
                    if c == b'\n' {
                        lines += 1;
                    }
                    State::Key
                }
                _ => return Err(4),
            },
            State::Str => match c {
                b'\\' => State::Escape,
                b'"' => {
                    strings += 1;
                    State::Word
                }
                _ => State::Str,
            },
            // After an escape: any character, then the string goes on (an escaped quote does
            // not end it).
            State::Escape => State::Str,
            State::List => match c {
                b']' => {
                    lists += 1;
                    State::Word
                }
                b'0'..=b'9' => {
                    total = total.wrapping_add((c - b'0') as i32);
                    State::List
                }
                b',' => State::List,
                _ => return Err(5),
            },
            State::Word => match c {
                b';' => {
                    words += 1;
                    State::Key
                }
                b'\n' => {
                    words += 1;
                    lines += 1;
                    State::Key
                }
                b'a'..=b'z' | b'"' | b' ' => State::Word,
                _ => return Err(6),
            },
        };
    }
    if lines == 0 || keys < lines || numbers + strings + lists + words < keys {
        return Err(7);
    }
    Ok(hash ^ keys ^ numbers.rotate_left(8) ^ strings.rotate_left(16) ^ lists.rotate_left(24) ^ words ^ total as u32)
}

// ---- CoreMark-like mix --------------------------------------------------------------------
// From CoreMark's published description (linked-list find/sort/reverse, small matrix
// arithmetic, a number-classifying state machine, CRC-16 of every result); not its code.

fn crc16(mut crc: u16, data: u32) -> u16 {
    for i in 0..32 {
        let bit = ((data >> i) & 1) as u16 ^ (crc & 1);
        crc >>= 1;
        if bit != 0 {
            crc ^= 0xA001;
        }
    }
    crc
}

const LIST: usize = 64;

/// A singly linked list in arrays: `next[i]` is the index after `i` (`NIL` ends it).
const NIL: u32 = u32::MAX;

fn list_part(next: &mut [u32], data: &mut [u32], seed: u32) -> u32 {
    let mut rng = Rng(seed);
    for i in 0..LIST {
        data[i] = rng.next() % 1000;
        next[i] = if i + 1 < LIST { (i + 1) as u32 } else { NIL };
    }
    let mut head = 0u32;
    let mut result = 0u32;
    // Find values; reverse; sort (insertion sort by relinking).
    for probe in 0..16u32 {
        let wanted = (probe * 61) % 1000;
        let mut at = head;
        let mut steps = 0;
        while at != NIL && data[at as usize] != wanted && data[at as usize] % 16 != probe {
            at = next[at as usize];
            steps += 1;
        }
        result = result.wrapping_add(steps);
        // Reverse the list.
        let (mut prev, mut cur) = (NIL, head);
        while cur != NIL {
            let nxt = next[cur as usize];
            next[cur as usize] = prev;
            prev = cur;
            cur = nxt;
        }
        head = prev;
    }
    // Insertion sort by value, relinking nodes.
    let mut sorted = NIL;
    let mut cur = head;
    while cur != NIL {
        let nxt = next[cur as usize];
        if sorted == NIL || data[cur as usize] < data[sorted as usize] {
            next[cur as usize] = sorted;
            sorted = cur;
        } else {
            let mut at = sorted;
            while next[at as usize] != NIL && data[next[at as usize] as usize] <= data[cur as usize] {
                at = next[at as usize];
            }
            next[cur as usize] = next[at as usize];
            next[at as usize] = cur;
        }
        cur = nxt;
    }
    let mut at = sorted;
    let mut last = 0;
    let mut count = 0;
    while at != NIL {
        if data[at as usize] < last {
            return u32::MAX;
        }
        last = data[at as usize];
        result = result.wrapping_mul(3).wrapping_add(last);
        count += 1;
        at = next[at as usize];
    }
    if count != LIST {
        return u32::MAX;
    }
    result
}

const MAT: usize = 12;

fn matrix_part(m: &mut [u32], seed: u32) -> u32 {
    let (a, rest) = m.split_at_mut(MAT * MAT);
    let (b, c) = rest.split_at_mut(MAT * MAT);
    let mut rng = Rng(seed);
    for i in 0..MAT * MAT {
        a[i] = (rng.next() & 0xff) as u32;
        b[i] = (rng.next() & 0xff) as u32;
    }
    let k = seed & 0x0f;
    for v in a.iter_mut() {
        *v = (*v + k) as i16 as u16 as u32;
    }
    let mut result = 0u32;
    for i in 0..MAT {
        for j in 0..MAT {
            let mut s = 0i32;
            for x in 0..MAT {
                s += (a[i * MAT + x] as i16 as i32) * (b[x * MAT + j] as i16 as i32);
            }
            c[i * MAT + j] = s as u32;
            // Bit extraction, as CoreMark's matrix part does.
            result = result.wrapping_add(((s as u32) >> 2) & 0x0f);
        }
    }
    result.wrapping_add(c[MAT * MAT - 1])
}

fn state_part(seed: u32) -> u32 {
    // Classify comma-separated tokens: integer, decimal, scientific, invalid.
    const TOKENS: [&[u8]; 8] = [b"5012", b"1.23", b"-110.70", b"+0.5e-12", b"T0.3e-1F", b"-.3e", b"7", b"9e+4"];
    let mut counts = [0u32; 4];
    let mut transitions = 0u32;
    for round in 0..8u32 {
        let token = TOKENS[((round + seed) % 8) as usize];
        // 0 start, 1 int, 2 decimal, 3 exponent letter, 4 exponent sign, 5 exponent, 6 invalid
        let mut s = 0u8;
        for &c in token {
            let old = s;
            s = match (s, c) {
                (0, b'+' | b'-') => 1,
                (0 | 1, b'0'..=b'9') => 1,
                (0 | 1, b'.') => 2,
                (2, b'0'..=b'9') => 2,
                (1 | 2, b'e' | b'E') => 3,
                (3, b'+' | b'-') => 4,
                (3 | 4 | 5, b'0'..=b'9') => 5,
                _ => 6,
            };
            if s != old {
                transitions += 1;
            }
            if s == 6 {
                break;
            }
        }
        let class = match s {
            1 => 0,
            2 => 1,
            5 => 2,
            _ => 3,
        };
        counts[class] += 1;
    }
    counts[0] | counts[1] << 8 | counts[2] << 16 | counts[3] << 24 ^ transitions
}

fn coremark(scratch: &mut [u32]) -> Result<u32, u32> {
    let (next, rest) = scratch.split_at_mut(LIST);
    let (data, rest) = rest.split_at_mut(LIST);
    let m = &mut rest[..3 * MAT * MAT];
    let mut crc = 0u16;
    for iteration in 0..opaque(30u32) {
        let l = list_part(next, data, iteration + 1);
        if l == u32::MAX {
            return Err(1);
        }
        crc = crc16(crc, l);
        crc = crc16(crc, matrix_part(m, iteration + 101));
        crc = crc16(crc, state_part(iteration));
    }
    Ok(crc as u32)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn every_workload_passes_natively() {
        let mut scratch = std::vec![0u32; SCRATCH_WORDS];
        let mut bad = std::vec::Vec::new();
        for w in ALL {
            match w.run(&mut scratch) {
                Ok(_) => {}
                Err(sum) => bad.push(std::format!("{}: {sum:#010x}", w.name)),
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }
}
