use crate::identify::Point;

#[derive(Debug, PartialEq, Clone)]
pub struct Perspective(pub [f64; 8]);

impl Perspective {
    pub fn create(rect: &[Point; 4], w: f64, h: f64) -> Option<Self> {
        let mut c = [0.0; 8];
        let x0 = rect[0].x as f64;
        let y0 = rect[0].y as f64;
        let x1 = rect[1].x as f64;
        let y1 = rect[1].y as f64;
        let x2 = rect[2].x as f64;
        let y2 = rect[2].y as f64;
        let x3 = rect[3].x as f64;
        let y3 = rect[3].y as f64;
        let wden = w * (x2 * y3 - x3 * y2 + (x3 - x2) * y1 + x1 * (y2 - y3));
        let hden = h * (x2 * y3 + x1 * (y2 - y3) - x3 * y2 + (x3 - x2) * y1);

        if wden < f64::EPSILON || hden < f64::EPSILON {
            return None;
        }

        c[0] = (x1 * (x2 * y3 - x3 * y2)
            + x0 * (-x2 * y3 + x3 * y2 + (x2 - x3) * y1)
            + x1 * (x3 - x2) * y0)
            / wden;
        c[1] = -(x0 * (x2 * y3 + x1 * (y2 - y3) - x2 * y1) - x1 * x3 * y2
            + x2 * x3 * y1
            + (x1 * x3 - x2 * x3) * y0)
            / hden;
        c[2] = x0;
        c[3] = (y0 * (x1 * (y3 - y2) - x2 * y3 + x3 * y2)
            + y1 * (x2 * y3 - x3 * y2)
            + x0 * y1 * (y2 - y3))
            / wden;
        c[4] = (x0 * (y1 * y3 - y2 * y3) + x1 * y2 * y3 - x2 * y1 * y3
            + y0 * (x3 * y2 - x1 * y2 + (x2 - x3) * y1))
            / hden;
        c[5] = y0;
        c[6] = (x1 * (y3 - y2) + x0 * (y2 - y3) + (x2 - x3) * y1 + (x3 - x2) * y0) / wden;
        c[7] = (-x2 * y3 + x1 * y3 + x3 * y2 + x0 * (y1 - y2) - x3 * y1 + (x2 - x1) * y0) / hden;

        Some(Perspective(c))
    }

    /// Maps grid coordinates `(u, v)` to an image point, or `None` if the
    /// point is not representable: near the horizon of a degenerate
    /// perspective (nearly parallel edges, or a fit pushed there) the
    /// denominator vanishes and the coordinates become huge, infinite or NaN.
    pub fn try_map(&self, u: f64, v: f64) -> Option<Point> {
        let (x, y) = self.map_f64(u, v);
        Some(Point {
            x: round_to_i32(x)?,
            y: round_to_i32(y)?,
        })
    }

    /// Maps grid coordinates `(u, v)` to an image point.
    ///
    /// Meant for perspectives checked with
    /// [`is_regular_over`](Self::is_regular_over); should a point still not be
    /// representable, its coordinates saturate (NaN becomes 0) rather than
    /// panic.
    pub fn map(&self, u: f64, v: f64) -> Point {
        let (x, y) = self.map_f64(u, v);
        // `as` saturates, and turns NaN into 0.
        Point {
            x: round_to_i32(x).unwrap_or(x as i32),
            y: round_to_i32(y).unwrap_or(y as i32),
        }
    }

    /// The mapped point, not yet rounded to whole pixels.
    fn map_f64(&self, u: f64, v: f64) -> (f64, f64) {
        let den = self.0[6] * u + self.0[7] * v + 1.0f64;
        let x = (self.0[0] * u + self.0[1] * v + self.0[2]) / den;
        let y = (self.0[3] * u + self.0[4] * v + self.0[5]) / den;

        (x, y)
    }

    /// Whether the square `[0, size] x [0, size]` of grid coordinates maps to
    /// representable image points without crossing the horizon.
    ///
    /// The denominator of the projective map is affine in `(u, v)`, so it is
    /// positive over the whole square if it is positive at its corners. The
    /// square then maps onto the convex quadrilateral spanned by the images of
    /// its corners, so if these are representable, so is every point inside.
    pub fn is_regular_over(&self, size: f64) -> bool {
        [(0.0, 0.0), (size, 0.0), (size, size), (0.0, size)]
            .into_iter()
            .all(|(u, v)| self.0[6] * u + self.0[7] * v + 1.0 > 0.0 && self.try_map(u, v).is_some())
    }

    pub fn unmap(&self, p: &Point) -> (f64, f64) {
        let x = p.x as f64;
        let y = p.y as f64;
        let den = -self.0[0] * self.0[7] * y
            + self.0[1] * self.0[6] * y
            + (self.0[3] * self.0[7] - self.0[4] * self.0[6]) * x
            + self.0[0] * self.0[4]
            - self.0[1] * self.0[3];
        let u = -(self.0[1] * (y - self.0[5]) - self.0[2] * self.0[7] * y
            + (self.0[5] * self.0[7] - self.0[4]) * x
            + self.0[2] * self.0[4])
            / den;
        let v = (self.0[0] * (y - self.0[5]) - self.0[2] * self.0[6] * y
            + (self.0[5] * self.0[6] - self.0[3]) * x
            + self.0[2] * self.0[3])
            / den;

        (u, v)
    }
}

/// `x.round()` (halfway cases away from zero) as an `i32`, or `None` if that
/// is not an `i32` or `x` is NaN.
///
/// Same result as `x.round()` followed by a range check, without calling
/// `round`, which is a library function rather than an instruction on
/// baseline x86-64 and in WebAssembly (whose `f64.nearest` rounds halfway
/// cases to even), and a hot spot of the grid fitting.
pub(crate) fn round_to_i32(x: f64) -> Option<i32> {
    // The bounds are exact in f64; NaN fails both comparisons.
    if !(x > i32::MIN as f64 - 0.5 && x < i32::MAX as f64 + 0.5) {
        return None;
    }
    let truncated = x as i32;
    // Exact: the fractional part of an f64 is representable.
    let fraction = x - f64::from(truncated);
    Some(if fraction >= 0.5 {
        truncated + 1
    } else if fraction <= -0.5 {
        truncated - 1
    } else {
        truncated
    })
}

pub fn line_intersect(p0: &Point, p1: &Point, q0: &Point, q1: &Point) -> Option<Point> {
    // In i64: `d * e` and `b * f` are cubic in the coordinates and overflow
    // i32 for large capstones in large images.
    let wide = |p: &Point| (i64::from(p.x), i64::from(p.y));
    let ((p0x, p0y), (p1x, p1y)) = (wide(p0), wide(p1));
    let ((q0x, q0y), (q1x, q1y)) = (wide(q0), wide(q1));
    /* (a, b) is perpendicular to line p */
    let a = -(p1y - p0y);
    let b = p1x - p0x;
    /* (c, d) is perpendicular to line q */
    let c = -(q1y - q0y);
    let d = q1x - q0x;
    /* e and f are dot products of the respective vectors with p and q */
    let e = a * p1x + b * p1y;
    let f = c * q1x + d * q1y;
    /* Now we need to solve:
     *     [a b] [rx]   [e]
     *     [c d] [ry] = [f]
     *
     * We do this by inverting the matrix and applying it to (e, f):
     *       [ d -b] [e]   [rx]
     * 1/det [-c  a] [f] = [ry]
     */
    let det = a * d - b * c;
    if det == 0 {
        None
    } else {
        Some(Point {
            x: i32::try_from((d * e - b * f) / det).ok()?,
            y: i32::try_from((-c * e + a * f) / det).ok()?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct BresenhamScan {
    x: i32,
    y: i32,
    dom_step: i32,
    non_step: i32,
    i: i32,
    d: i32,
    n: i32,
    a: i32,
    x_dom: bool,
}

impl BresenhamScan {
    pub fn new(from: &Point, to: &Point) -> Self {
        let n = to.x - from.x;
        let d = to.y - from.y;
        let x = from.x;
        let y = from.y;

        let (x_dom, n, d) = if n.abs() > d.abs() {
            (true, d, n)
        } else {
            (false, n, d)
        };

        let (n, non_step) = if n < 0 { (-n, -1) } else { (n, 1) };

        let (d, dom_step) = if d < 0 { (-d, -1) } else { (d, 1) };

        BresenhamScan {
            x,
            y,
            dom_step,
            non_step,
            i: 0,
            d,
            n,
            a: n,
            x_dom,
        }
    }
}

impl Iterator for BresenhamScan {
    type Item = Point;

    fn next(&mut self) -> Option<<Self as Iterator>::Item> {
        if self.i > self.d {
            return None;
        }

        let ret = Point {
            x: self.x,
            y: self.y,
        };

        self.a += self.n;
        let (dom, non) = match (self.x_dom, &mut self.x, &mut self.y) {
            (true, x, y) => (x, y),
            (false, x, y) => (y, x),
        };

        *dom += self.dom_step;
        if self.a >= self.d {
            *non += self.non_step;
            self.a -= self.d;
        }
        self.i += 1;
        Some(ret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_bresenham_straight() {
        let middle = Point { x: 100, y: 100 };

        let up = Point { x: 100, y: 200 };

        let right = Point { x: 300, y: 100 };

        let scan_up = BresenhamScan::new(&middle, &up);
        for (i, p) in scan_up.enumerate() {
            assert_eq!(100 + i as i32, p.y);
            assert_eq!(100, p.x);
        }

        let scan_down = BresenhamScan::new(&up, &middle);
        for (i, p) in scan_down.enumerate() {
            assert_eq!(200 - i as i32, p.y);
            assert_eq!(100, p.x);
        }

        let scan_right = BresenhamScan::new(&middle, &right);
        for (i, p) in scan_right.enumerate() {
            assert_eq!(100, p.y);
            assert_eq!(100 + i as i32, p.x);
        }

        let scan_right = BresenhamScan::new(&right, &middle);
        for (i, p) in scan_right.enumerate() {
            assert_eq!(100, p.y);
            assert_eq!(300 - i as i32, p.x);
        }
    }

    #[test]
    fn test_bresenham_zero() {
        let start = Point { x: 37, y: 45 };

        let mut scan = BresenhamScan::new(&start, &start);
        assert_eq!(scan.next(), Some(Point { x: 37, y: 45 }));
        assert_eq!(scan.next(), None)
    }

    #[test]
    fn test_bresenham_major_x() {
        // Taken from https://en.wikipedia.org/wiki/Bresenham%27s_line_algorithm

        let start = Point { x: 1, y: 1 };
        let end = Point { x: 11, y: 5 };

        let mut scan = BresenhamScan::new(&start, &end);

        assert_eq!(scan.next(), Some(Point { x: 1, y: 1 }));
        assert_eq!(scan.next(), Some(Point { x: 2, y: 1 }));
        assert_eq!(scan.next(), Some(Point { x: 3, y: 2 }));
        assert_eq!(scan.next(), Some(Point { x: 4, y: 2 }));
        assert_eq!(scan.next(), Some(Point { x: 5, y: 3 }));
        assert_eq!(scan.next(), Some(Point { x: 6, y: 3 }));
        assert_eq!(scan.next(), Some(Point { x: 7, y: 3 }));
        assert_eq!(scan.next(), Some(Point { x: 8, y: 4 }));
        assert_eq!(scan.next(), Some(Point { x: 9, y: 4 }));
        assert_eq!(scan.next(), Some(Point { x: 10, y: 5 }));
        assert_eq!(scan.next(), Some(Point { x: 11, y: 5 }));
        assert_eq!(scan.next(), None);
    }

    #[test]
    fn test_bresenham_major_y() {
        // Taken from https://en.wikipedia.org/wiki/Bresenham%27s_line_algorithm

        let start = Point { x: 5, y: 11 };
        let end = Point { x: 1, y: 1 };

        let mut scan = BresenhamScan::new(&start, &end);

        assert_eq!(scan.next(), Some(Point { x: 5, y: 11 }));
        assert_eq!(scan.next(), Some(Point { x: 5, y: 10 }));
        assert_eq!(scan.next(), Some(Point { x: 4, y: 9 }));
        assert_eq!(scan.next(), Some(Point { x: 4, y: 8 }));
        assert_eq!(scan.next(), Some(Point { x: 3, y: 7 }));
        assert_eq!(scan.next(), Some(Point { x: 3, y: 6 }));
        assert_eq!(scan.next(), Some(Point { x: 3, y: 5 }));
        assert_eq!(scan.next(), Some(Point { x: 2, y: 4 }));
        assert_eq!(scan.next(), Some(Point { x: 2, y: 3 }));
        assert_eq!(scan.next(), Some(Point { x: 1, y: 2 }));
        assert_eq!(scan.next(), Some(Point { x: 1, y: 1 }));
        assert_eq!(scan.next(), None);
    }

    /// `den = 1 - u / 10`: the horizon is the line `u = 10`, which is what a
    /// degenerate perspective fit looks like from the grid's side.
    fn horizon_at_u_10() -> Perspective {
        Perspective([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, -0.1, 0.0])
    }

    #[test]
    fn test_round_to_i32_matches_round() {
        let reference = |x: f64| {
            let r = x.round();
            (r >= i32::MIN as f64 && r <= i32::MAX as f64).then_some(r as i32)
        };
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.5 - f64::EPSILON / 4.0, // 0.49999999999999994
            i32::MAX as f64,
            i32::MAX as f64 + 0.5,
            i32::MIN as f64,
            i32::MIN as f64 - 0.5,
            1e300,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NAN,
        ];
        // And their neighbouring floats.
        for x in values.clone() {
            let bits = x.to_bits();
            values.extend([
                f64::from_bits(bits + 1),
                f64::from_bits(bits.wrapping_sub(1)),
            ]);
        }
        // A deterministic spread of values over the whole i32 range and beyond.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push((unit - 0.5) * 2.0 * 2.2e9);
            values.push((unit - 0.5) * 2000.0);
            values.push((state % 4001) as f64 / 2.0 - 1000.0);
        }
        for x in values.iter().flat_map(|&x| [x, -x]) {
            assert_eq!(round_to_i32(x), reference(x), "{x:?}");
        }
    }

    #[test]
    fn test_try_map_rejects_unrepresentable_points() {
        let p = horizon_at_u_10();
        assert_eq!(p.try_map(5.0, 5.0), Some(Point { x: 10, y: 10 }));
        // x = 10 / 0 = inf
        assert_eq!(p.try_map(10.0, 3.0), None);
        // y = 0 / 0 = NaN
        assert_eq!(p.try_map(10.0, 0.0), None);
        // Finite but beyond i32
        assert_eq!(p.try_map(10.0 - 1e-9, 1.0), None);
    }

    #[test]
    fn test_map_saturates_instead_of_panicking() {
        // Upstream asserted here (`assertion failed: x <= i32::MAX as f64`).
        let p = horizon_at_u_10();
        assert_eq!(
            p.map(10.0, 3.0),
            Point {
                x: i32::MAX,
                y: i32::MAX
            }
        );
        assert_eq!(p.map(10.0, 0.0), Point { x: i32::MAX, y: 0 });
    }

    #[test]
    fn test_is_regular_over() {
        let p = horizon_at_u_10();
        assert!(p.is_regular_over(9.0));
        assert!(!p.is_regular_over(10.0));
        assert!(!p.is_regular_over(30.0));

        let identity = Perspective([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
        assert!(identity.is_regular_over(177.0));
        // Representable only up to i32::MAX
        let huge = Perspective([1e9, 0.0, 0.0, 0.0, 1e9, 0.0, 0.0, 0.0]);
        assert!(huge.is_regular_over(2.0));
        assert!(!huge.is_regular_over(3.0));
    }

    #[test]
    fn test_line_intersect_large_coordinates() {
        // Upstream computed this in i32, which overflows (a panic in debug
        // builds, a wrong point in release builds).
        let p0 = Point { x: 3000, y: 0 };
        let p1 = Point { x: 3000, y: 3000 };
        let q0 = Point { x: 0, y: 2500 };
        let q1 = Point { x: 3500, y: 2500 };
        assert_eq!(
            line_intersect(&p0, &p1, &q0, &q1),
            Some(Point { x: 3000, y: 2500 })
        );
    }

    #[test]
    fn test_line_intersect_parallel() {
        let p0 = Point { x: 0, y: 0 };

        let p1 = Point { x: 0, y: 10 };

        let q0 = Point { x: 1, y: 1 };

        let q1 = Point { x: 1, y: -9 };

        assert_eq!(line_intersect(&p0, &p1, &q0, &q1), None)
    }

    #[test]
    fn test_line_intersect_values() {
        let p0 = Point { x: 0, y: 0 };

        let p1 = Point { x: 0, y: 10 };

        let q0 = Point { x: 1, y: 1 };

        let q1 = Point { x: 10, y: -9 };

        // Check that all permutations produce same result
        assert_eq!(
            line_intersect(&p0, &p1, &q0, &q1),
            Some(Point { x: 0, y: 2 })
        );
        assert_eq!(
            line_intersect(&p0, &p1, &q1, &q0),
            Some(Point { x: 0, y: 2 })
        );
        assert_eq!(
            line_intersect(&p1, &p0, &q0, &q1),
            Some(Point { x: 0, y: 2 })
        );
        assert_eq!(
            line_intersect(&p1, &p0, &q1, &q0),
            Some(Point { x: 0, y: 2 })
        );
    }
}
