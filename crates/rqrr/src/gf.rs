//! Arithmetic in the two Galois fields QR codes use: GF(2^4) for the format
//! information and GF(2^8) for the Reed-Solomon code words.
//!
//! Multiplication and division go through logarithm / antilogarithm tables
//! (`LOG[a]` with `EXP[LOG[a]] == a`), computed at compile time: 16 + 30 bytes
//! for GF(2^4) and 256 + 510 bytes for GF(2^8). `EXP` holds two periods so
//! that `EXP[LOG[a] + LOG[b]]` needs no reduction modulo the group order.

use std::ops::{Add, AddAssign, Div, Mul, MulAssign};

/// The operations the decoder needs from a finite field of characteristic 2.
pub trait GaloisField:
    Copy + Eq + Add<Output = Self> + AddAssign + Mul<Output = Self> + MulAssign + Div<Output = Self>
{
    /// The additive identity.
    const ZERO: Self;
    /// The multiplicative identity.
    const ONE: Self;
    /// A generator of the multiplicative group (`x`, i.e. 2, for both fields).
    const GENERATOR: Self;

    /// `self` to the power `p` (with `0.pow(0) == 1`).
    fn pow(self, p: usize) -> Self;
}

/// Powers of `x` modulo `modulus`: `exp[i] = x^(i mod order)` for the whole
/// table, where `order = 2^bits - 1`.
const fn exp_table<const N: usize>(bits: u32, modulus: u16) -> [u8; N] {
    let order = (1usize << bits) - 1;
    let mut exp = [0u8; N];
    let mut value: u16 = 1;
    let mut i = 0;
    while i < N {
        if i < order {
            exp[i] = value as u8;
            value <<= 1;
            if value & (1 << bits) != 0 {
                value ^= modulus;
            }
        } else {
            exp[i] = exp[i - order];
        }
        i += 1;
    }
    exp
}

/// Inverse of `exp` over the non-zero elements; `log[0]` is unused (0).
const fn log_table<const N: usize, const E: usize>(exp: &[u8; E]) -> [u8; N] {
    let mut log = [0u8; N];
    let mut i = 0;
    while i < N - 1 {
        log[exp[i] as usize] = i as u8;
        i += 1;
    }
    log
}

macro_rules! galois_field {
    ($(#[$doc:meta])* $name:ident, bits: $bits:expr, modulus: $modulus:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub u8);

        impl $name {
            /// Number of non-zero elements, the order of the multiplicative group.
            const ORDER: usize = (1 << $bits) - 1;
            const EXP: [u8; 2 * Self::ORDER] = exp_table($bits, $modulus);
            const LOG: [u8; Self::ORDER + 1] = log_table(&Self::EXP);

            fn log(self) -> usize {
                Self::LOG[usize::from(self.0)].into()
            }

            fn exp(i: usize) -> Self {
                $name(Self::EXP[i])
            }

            /// The multiplicative inverse.
            ///
            /// # Panics
            /// If `self` is zero.
            pub fn inverse(self) -> Self {
                assert!(self.0 != 0, "division by zero in {}", stringify!($name));
                Self::exp(Self::ORDER - self.log())
            }
        }

        impl GaloisField for $name {
            const ZERO: Self = $name(0);
            const ONE: Self = $name(1);
            const GENERATOR: Self = $name(2);

            fn pow(self, p: usize) -> Self {
                if p == 0 {
                    Self::ONE
                } else if self.0 == 0 {
                    Self::ZERO
                } else {
                    Self::exp(self.log() * (p % Self::ORDER) % Self::ORDER)
                }
            }
        }

        impl Add for $name {
            type Output = Self;

            #[allow(clippy::suspicious_arithmetic_impl)] // addition in GF(2^n) is XOR
            fn add(self, rhs: Self) -> Self {
                $name(self.0 ^ rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                *self = *self + rhs;
            }
        }

        impl Mul for $name {
            type Output = Self;

            #[allow(clippy::suspicious_arithmetic_impl)] // through the log tables
            fn mul(self, rhs: Self) -> Self {
                if self.0 == 0 || rhs.0 == 0 {
                    Self::ZERO
                } else {
                    Self::exp(self.log() + rhs.log())
                }
            }
        }

        impl MulAssign for $name {
            fn mul_assign(&mut self, rhs: Self) {
                *self = *self * rhs;
            }
        }

        impl Div for $name {
            type Output = Self;

            /// # Panics
            /// If `rhs` is zero.
            #[allow(clippy::suspicious_arithmetic_impl)] // multiplication by the inverse
            fn div(self, rhs: Self) -> Self {
                self * rhs.inverse()
            }
        }
    };
}

galois_field!(
    /// GF(2^4) modulo x^4 + x + 1, used for the format information.
    GF16, bits: 4, modulus: 0b1_0011
);
galois_field!(
    /// GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1, used for the data code words.
    GF256, bits: 8, modulus: 0b1_0001_1101
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Carry-less multiplication followed by reduction modulo `modulus`.
    fn reference_mul(a: u8, b: u8, bits: u32, modulus: u16) -> u8 {
        let mut product: u16 = 0;
        for i in 0..8 {
            if b & (1 << i) != 0 {
                product ^= u16::from(a) << i;
            }
        }
        for i in (bits..16).rev() {
            if product & (1 << i) != 0 {
                product ^= modulus << (i - bits);
            }
        }
        product as u8
    }

    /// The inverse by exhaustive search with the reference multiplication.
    fn reference_inverse(a: u8, bits: u32, modulus: u16) -> u8 {
        (1..1u16 << bits)
            .map(|b| b as u8)
            .find(|&b| reference_mul(a, b, bits, modulus) == 1)
            .expect("every non-zero element has an inverse")
    }

    macro_rules! field_tests {
        ($module:ident, $name:ident, $bits:expr, $modulus:expr) => {
            mod $module {
                use super::*;

                const SIZE: u16 = 1 << $bits;

                fn elements() -> impl Iterator<Item = u8> + Clone {
                    (0..SIZE).map(|a| a as u8)
                }

                #[test]
                fn mul_matches_carry_less_reference_for_all_pairs() {
                    for a in elements() {
                        for b in elements() {
                            let expected = reference_mul(a, b, $bits, $modulus);
                            assert_eq!($name(a) * $name(b), $name(expected), "{a} * {b}");
                            let mut c = $name(a);
                            c *= $name(b);
                            assert_eq!(c, $name(expected), "{a} *= {b}");
                        }
                    }
                }

                #[test]
                fn div_and_inverse_match_reference_for_all_pairs() {
                    for b in elements().skip(1) {
                        let inv = reference_inverse(b, $bits, $modulus);
                        assert_eq!($name(b).inverse(), $name(inv), "1 / {b}");
                        for a in elements() {
                            let expected = reference_mul(a, inv, $bits, $modulus);
                            assert_eq!($name(a) / $name(b), $name(expected), "{a} / {b}");
                        }
                    }
                }

                #[test]
                fn add_is_xor() {
                    for a in elements() {
                        for b in elements() {
                            assert_eq!($name(a) + $name(b), $name(a ^ b));
                        }
                    }
                }

                #[test]
                fn pow_matches_repeated_reference_mul() {
                    for a in elements() {
                        let mut expected = 1;
                        // Past the group order twice, to cover the reduction.
                        for p in 0..(2 * usize::from(SIZE) + 3) {
                            assert_eq!($name(a).pow(p), $name(expected), "{a} ^ {p}");
                            expected = reference_mul(expected, a, $bits, $modulus);
                        }
                    }
                }

                #[test]
                fn generator_generates_every_non_zero_element() {
                    let mut seen = vec![false; usize::from(SIZE)];
                    for p in 0..usize::from(SIZE - 1) {
                        seen[usize::from($name::GENERATOR.pow(p).0)] = true;
                    }
                    assert!(!seen[0]);
                    assert!(seen[1..].iter().all(|&s| s));
                }

                #[test]
                #[should_panic(expected = "division by zero")]
                fn div_by_zero_panics() {
                    let _ = $name(1) / $name::ZERO;
                }
            }
        };
    }

    field_tests!(gf16, GF16, 4, 0b1_0011);
    field_tests!(gf256, GF256, 8, 0b1_0001_1101);
}
