use crate::CapStone;

#[derive(Debug, Clone)]
pub struct CapStoneGroup(pub CapStone, pub CapStone, pub CapStone);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Neighbor {
    index: usize,
    /// Distance by the capstone's perspective, when that view makes it a neighbour.
    distance: Option<f64>,
    /// Distance by the capstone's mean edge directions, when that view makes it a neighbour.
    affine_distance: Option<f64>,
}

impl Neighbor {
    /// How far two neighbours' distances are from equal (0 = equal), in the
    /// view that makes them most alike among those that see both.
    fn asymmetry(&self, other: &Neighbor) -> f64 {
        let score = |a: f64, b: f64| {
            if a < b {
                (1.0f64 - a / b).abs()
            } else {
                (1.0f64 - b / a).abs()
            }
        };
        let views = [
            (self.distance, other.distance),
            (self.affine_distance, other.affine_distance),
            (self.distance, other.affine_distance),
            (self.affine_distance, other.distance),
        ];
        let mut best = f64::INFINITY;
        for (i, view) in views.into_iter().enumerate() {
            if let (Some(a), Some(b)) = view {
                best = best.min(score(a, b));
            }
            // Mixed views only when no single view sees both.
            if i == 1 && best.is_finite() {
                break;
            }
        }
        best
    }
}

/// Return each pair Capstone indexes that are likely to be from a QR code
/// Ordered from most symmetric to least symmetric
pub fn find_and_rank_possible_neighbors(capstones: &[CapStone], idx: usize) -> Vec<(usize, usize)> {
    const VIABILITY_THRESHOLD: f64 = 0.25;

    let (hlist, vlist) = find_possible_neighbors(capstones, idx);
    let mut res = Vec::new();
    struct NeighborSet {
        score: f64,
        h_index: usize,
        v_index: usize,
    }
    let cap = &capstones[idx];
    /* Test each possible grouping */
    for hn in hlist {
        for vn in vlist.iter() {
            // A round capstone sees every other one as a neighbour both ways: keep the pairs
            // at right angles about it (its neighbours of a code are).
            if cap.round && !at_right_angles(cap, &capstones[hn.index], &capstones[vn.index]) {
                continue;
            }
            let score = hn.asymmetry(vn);
            if score < VIABILITY_THRESHOLD {
                res.push(NeighborSet {
                    score,
                    h_index: hn.index,
                    v_index: vn.index,
                });
            }
        }
    }

    res.sort_unstable_by(|a, b| {
        (a.score)
            .partial_cmp(&(b.score))
            .expect("Neighbor distance should never cause a div by 0")
    });
    res.iter().map(|n| (n.h_index, n.v_index)).collect()
}

fn find_possible_neighbors(capstones: &[CapStone], idx: usize) -> (Vec<Neighbor>, Vec<Neighbor>) {
    let cap = &capstones[idx];
    let mut hlist = Vec::new();
    let mut vlist = Vec::new();

    /* Look for potential neighbours by examining the relative gradients
     * from this capstone to others.
     */
    #[allow(clippy::needless_range_loop)]
    for others_idx in 0..capstones.len() {
        if others_idx == idx {
            continue;
        }

        let cmp_cap = &capstones[others_idx];

        if cap.round {
            // No orientation to go by: any capstone is a candidate on either axis, at its
            // distance in the circle's modules (outer radius 3.5 modules).
            let distance = round_capstone_distance(cap, &cmp_cap.center);
            let n = Neighbor {
                index: others_idx,
                distance: None,
                affine_distance: distance,
            };
            if distance.is_some() {
                hlist.push(n);
                vlist.push(n);
            }
            continue;
        }

        // The capstone's perspective, fitted on its corners only, can bend
        // badly when extrapolated over the whole code (a blurred or slightly
        // rounded capstone); its mean edge directions are the other view,
        // which in turn misjudges strong perspective. A capstone is a
        // neighbour when either view says so.
        let (mut u, mut v) = cap.c.unmap(&cmp_cap.center);
        u = (u - 3.5f64).abs();
        v = (v - 3.5f64).abs();
        let affine = affine_offset(cap, &cmp_cap.center);

        let h = Neighbor {
            index: others_idx,
            distance: (u < 0.2f64 * v).then_some(v),
            affine_distance: affine.and_then(|(u, v)| (u < 0.2 * v).then_some(v)),
        };
        if h.distance.is_some() || h.affine_distance.is_some() {
            hlist.push(h);
        }

        let v = Neighbor {
            index: others_idx,
            distance: (v < 0.2f64 * u).then_some(u),
            affine_distance: affine.and_then(|(u, v)| (v < 0.2 * u).then_some(u)),
        };
        if v.distance.is_some() || v.affine_distance.is_some() {
            vlist.push(v);
        }
    }

    (hlist, vlist)
}

/// The distance from a round capstone's centre to `p` in its modules (its corners lie on its
/// outer circle, 3.5 modules from the centre); `None` for a degenerate capstone.
fn round_capstone_distance(cap: &CapStone, p: &crate::Point) -> Option<f64> {
    let centre = (f64::from(cap.center.x), f64::from(cap.center.y));
    let offset = |q: &crate::Point| (f64::from(q.x) - centre.0).hypot(f64::from(q.y) - centre.1);
    let radius = cap.corners.iter().map(offset).sum::<f64>() / 4.0;
    (radius > 0.0).then(|| offset(p) / radius * 3.5)
}

/// Whether `h` and `v` lie at right angles (within ~15°) as seen from `corner`'s centre.
fn at_right_angles(corner: &CapStone, h: &CapStone, v: &CapStone) -> bool {
    let d = |p: &crate::Point| {
        (
            f64::from(p.x - corner.center.x),
            f64::from(p.y - corner.center.y),
        )
    };
    let (a, b) = (d(&h.center), d(&v.center));
    let (la, lb) = (a.0.hypot(a.1), b.0.hypot(b.1));
    la > 0.0 && lb > 0.0 && ((a.0 * b.0 + a.1 * b.1) / (la * lb)).abs() < 0.26
}

/// `p` relative to the capstone's centre in module units along its mean edge
/// directions (corner 0 to 1, and 0 to 3), as absolute values; `None` for a
/// degenerate capstone.
fn affine_offset(cap: &CapStone, p: &crate::Point) -> Option<(f64, f64)> {
    let [c0, c1, c2, c3] = cap.corners.map(|c| (f64::from(c.x), f64::from(c.y)));
    // Each axis is the mean of two opposite edges, per module (7 per edge).
    let ex = (
        (c1.0 - c0.0 + c2.0 - c3.0) / 14.0,
        (c1.1 - c0.1 + c2.1 - c3.1) / 14.0,
    );
    let ey = (
        (c3.0 - c0.0 + c2.0 - c1.0) / 14.0,
        (c3.1 - c0.1 + c2.1 - c1.1) / 14.0,
    );
    let det = ex.0 * ey.1 - ex.1 * ey.0;
    if det.abs() < 1e-9 {
        return None;
    }
    let centre = (
        (c0.0 + c1.0 + c2.0 + c3.0) / 4.0,
        (c0.1 + c1.1 + c2.1 + c3.1) / 4.0,
    );
    let (dx, dy) = (f64::from(p.x) - centre.0, f64::from(p.y) - centre.1);
    let u = (dx * ey.1 - dy * ey.0) / det;
    let v = (ex.0 * dy - ex.1 * dx) / det;
    (u.is_finite() && v.is_finite()).then(|| (u.abs(), v.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Perspective;
    use crate::Point;

    fn capstone(corners: [(i32, i32); 4]) -> CapStone {
        let corners = corners.map(|(x, y)| Point { x, y });
        let c = Perspective::create(&corners, 7.0, 7.0).expect("a quadrilateral");
        let center = c.map(3.5, 3.5);
        CapStone {
            corners,
            center,
            c,
            round: false,
        }
    }

    /// The capstones of a blurred 240-px photo (zxing's `qrcode-4/29.png`
    /// after Vaora's binarisation): their corners are a few pixels off, so
    /// their perspectives, extrapolated 23 modules, put the other capstones
    /// well off-axis and upstream found no group.
    #[test]
    fn slightly_bent_capstones_are_still_neighbours() {
        let caps = [
            capstone([(160, 83), (160, 47), (193, 45), (195, 81)]),
            capstone([(42, 82), (43, 47), (77, 50), (78, 83)]),
            capstone([(47, 191), (47, 161), (81, 159), (82, 193)]),
        ];
        let pairs = find_and_rank_possible_neighbors(&caps, 1);
        assert!(
            pairs.contains(&(0, 2)) || pairs.contains(&(2, 0)),
            "{pairs:?}"
        );
    }

    /// Strong perspective (zxing-cpp's `fix-traceline` sample): the mean edge
    /// directions misjudge the distances, the perspective gets them right.
    #[test]
    fn capstones_under_strong_perspective_are_still_neighbours() {
        let caps = [
            capstone([(127, 30), (160, 9), (197, 25), (164, 49)]),
            capstone([(7, 105), (56, 73), (95, 98), (42, 136)]),
            capstone([(119, 206), (172, 153), (234, 195), (183, 260)]),
        ];
        let pairs = find_and_rank_possible_neighbors(&caps, 1);
        assert!(
            pairs.contains(&(0, 2)) || pairs.contains(&(2, 0)),
            "{pairs:?}"
        );
    }

    #[test]
    fn affine_offset_of_a_square_capstone() {
        let cap = capstone([(0, 0), (70, 0), (70, 70), (0, 70)]);
        let (u, v) = affine_offset(&cap, &Point { x: 35 + 200, y: 35 }).expect("regular");
        assert!((u - 20.0).abs() < 1e-9 && v.abs() < 1e-9, "{u} {v}");
        let degenerate = CapStone {
            corners: [Point { x: 0, y: 0 }; 4],
            ..cap
        };
        assert_eq!(affine_offset(&degenerate, &Point { x: 5, y: 5 }), None);
    }
}
