use std::{cmp, mem};

use crate::{
    geometry,
    identify::match_capstones::CapStoneGroup,
    prepare::PreparedImage,
    prepare::{AreaFiller, ColoredRegion, ImageBuffer, PixelColor, Row},
    version_db::VERSION_DATA_BASE,
    BitGrid, CapStone, Point,
};

/// Location of a skewed square in an image
///
/// A skewed square formed by 3 [CapStones](struct.CapStone.html) and possibly
/// an alignment pattern located in the 4th corner. This can be converted into a
/// normal [Grid](trait.Grid.html) that can be decoded.
#[derive(Debug, Clone)]
pub struct SkewedGridLocation {
    pub grid_size: usize,
    pub c: geometry::Perspective,
}

impl SkewedGridLocation {
    /// Create SkewedGridLocations from corners
    ///
    /// Given 3 corners of a grid, this tries to match the expected features of
    /// a QR code such that the SkewedGridLocation maps onto those features.
    ///
    /// For all grids this includes searching for timing patterns between
    /// capstones to determine the grid size.
    ///
    /// For bigger grids this includes searching for an alignment pattern in the
    /// 4 corner.
    ///
    /// Returns the fits worth trying, best guess first; empty if none could be
    /// produced. The fourth corner of a grid is the least certain part of a
    /// fit, so besides the first guess (the alignment pattern found near where
    /// the capstone edges meet, or for version 1 that meeting point itself)
    /// this also returns the fits for the other estimates: the meeting point
    /// when an alignment pattern was found, and the corner completing the
    /// parallelogram of the three capstones. When no alignment pattern is
    /// found, the estimates are used (as quirc does) instead of giving up.
    pub fn fits_from_group<S>(img: &mut PreparedImage<S>, mut group: CapStoneGroup) -> GroupFits
    where
        S: ImageBuffer,
    {
        let mut fits = GroupFits {
            group: group.clone(),
            candidates: Vec::new(),
        };
        /* Construct the hypotenuse line from A to C. B should be to
         * the left of this line.
         */
        let h0 = group.0.center;
        let mut hd = Point {
            x: group.2.center.x - group.0.center.x,
            y: group.2.center.y - group.0.center.y,
        };

        /* Make sure A-B-C is clockwise */
        if (group.1.center.x - h0.x) * -hd.y + (group.1.center.y - h0.y) * hd.x > 0 {
            mem::swap(&mut group.0, &mut group.2);
            hd.x = -hd.x;
            hd.y = -hd.y
        }

        if [&group.0, &group.1, &group.2].iter().any(|cap| cap.round)
            && square_up_round_capstones(&mut group).is_none()
        {
            return fits;
        }

        /* Rotate each capstone so that corner 0 is top-left with respect
         * to the grid.
         */
        let rotated = rotate_capstone(&mut group.0, &h0, &hd)
            .and_then(|()| rotate_capstone(&mut group.1, &h0, &hd))
            .and_then(|()| rotate_capstone(&mut group.2, &h0, &hd));
        if rotated.is_none() {
            return fits;
        }

        /* Check the timing pattern. This doesn't require a perspective
         * transform.
         */
        let Some(timing_size) = measure_timing_pattern(img, &group) else {
            return fits;
        };
        // A blurred or damaged timing pattern miscounts: the size implied by
        // the capstones' distance, in the capstones' own module size, is the
        // alternative.
        let mut sizes = vec![timing_size];
        if let Some(size) = size_from_capstone_distance(&group) {
            if size != timing_size {
                sizes.push(size);
            }
        }
        sizes.retain(|&size| version_from_grid_size(size) < VERSION_DATA_BASE.len());

        /* Make an estimate based for the alignment pattern based on extending
         * lines from capstones A and C.
         */
        let Some(estimate) = geometry::line_intersect(
            &group.0.corners[0],
            &group.0.corners[1],
            &group.2.corners[0],
            &group.2.corners[3],
        ) else {
            return fits;
        };
        let (a, b, c) = (group.0.corners[0], group.1.corners[0], group.2.corners[0]);
        let parallelogram = Point {
            x: a.x.saturating_add(c.x).saturating_sub(b.x),
            y: a.y.saturating_add(c.y).saturating_sub(b.y),
        };

        /* On V2+ grids, we should use the alignment pattern. */
        let mut found = None;
        if sizes.iter().any(|&size| size > 21) {
            /* Try to find the actual location of the alignment pattern. */
            if let Some(align) = find_alignment_pattern(img, estimate, &group.0, &group.2) {
                let score = -hd.y * align.x + hd.x * align.y;
                let finder = LeftMostFinder {
                    line_p: hd,
                    best: align,
                    score,
                };
                let found_region = img.repaint_and_apply(
                    (align.x as usize, align.y as usize),
                    PixelColor::Alignment,
                    finder,
                );
                found = Some(found_region.best);
            }
        }

        for grid_size in sizes {
            if grid_size > 21 {
                fits.candidates
                    .extend(found.map(|align| (grid_size, align, true)));
            }
            fits.candidates.push((grid_size, estimate, true));
            if parallelogram != estimate {
                fits.candidates.push((grid_size, parallelogram, true));
            }
        }
        // Refining a fit (`jiggle_perspective`: 80 fitness evaluations over
        // the whole grid) costs far more than decoding it, and a sharp code
        // seen head-on decodes from the capstones' corners alone: try the
        // best guess unrefined first.
        if let Some(&(grid_size, align, _)) = fits.candidates.first() {
            fits.candidates.insert(0, (grid_size, align, false));
        }
        fits.group = group;
        fits
    }

    /// Convert into a grid referencing the underlying image as source
    pub fn into_grid_image<'a, S>(self, img: &'a PreparedImage<S>) -> RefGridImage<'a, S> {
        RefGridImage { grid: self, img }
    }
}

/// The fits worth trying for one capstone group, best guess first (see
/// [`SkewedGridLocation::fits_from_group`]). Each is only computed when asked
/// for: the first usually decodes, and fitting is the costly part.
#[derive(Debug, Clone)]
pub struct GroupFits {
    /// The group with A-B-C clockwise and each capstone's corner 0 top-left.
    group: CapStoneGroup,
    /// Grid size, image point for the grid's corner (size - 7, size - 7), and
    /// whether to refine the fit (`jiggle_perspective`).
    candidates: Vec<(usize, Point, bool)>,
}

impl GroupFits {
    /// How many fits there are to try.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Fits the `index`-th candidate; `None` if its perspective is degenerate.
    pub fn fit<S>(&self, img: &PreparedImage<S>, index: usize) -> Option<SkewedGridLocation>
    where
        S: ImageBuffer,
    {
        let &(grid_size, align, jiggle) = self.candidates.get(index)?;
        let c = setup_perspective_with(img, &self.group, align, grid_size, jiggle)?;
        Some(SkewedGridLocation { grid_size, c })
    }
}

/// Get the version for a given grid size.
///
/// The returned version can be used to fetch the VersionInfo for the given grid
/// size.
fn version_from_grid_size(grid_size: usize) -> usize {
    (grid_size - 17) / 4
}

/// A Grid that references a bigger image
///
/// Given a grid location and an image, implement the [Grid
/// trait](trait.Grid.html) so that it may be decoded by
/// [decode](fn.decode.html)
pub struct RefGridImage<'a, S> {
    grid: SkewedGridLocation,
    img: &'a PreparedImage<S>,
}

impl<S> BitGrid for RefGridImage<'_, S>
where
    S: ImageBuffer,
{
    fn size(&self) -> usize {
        self.grid.grid_size
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        let p = self.grid.c.map(x as f64 + 0.5, y as f64 + 0.5);
        PixelColor::White != self.img.get_pixel_at_point(p)
    }
}

/// The refined fit, as upstream's `setup_perspective` (the tests' entry point).
#[cfg(test)]
fn setup_perspective<S>(
    img: &PreparedImage<S>,
    caps: &CapStoneGroup,
    align: Point,
    grid_size: usize,
) -> Option<geometry::Perspective>
where
    S: ImageBuffer,
{
    setup_perspective_with(img, caps, align, grid_size, true)
}

/// [`setup_perspective`], optionally without refining the initial fit.
fn setup_perspective_with<S>(
    img: &PreparedImage<S>,
    caps: &CapStoneGroup,
    align: Point,
    grid_size: usize,
    jiggle: bool,
) -> Option<geometry::Perspective>
where
    S: ImageBuffer,
{
    let initial = geometry::Perspective::create(
        &[
            caps.1.corners[0],
            caps.2.corners[0],
            align,
            caps.0.corners[0],
        ],
        (grid_size - 7) as f64,
        (grid_size - 7) as f64,
    )?;

    let fitted = if jiggle {
        jiggle_perspective(img, initial, grid_size)
    } else {
        initial
    };
    // A degenerate fit (e.g. a misplaced alignment pattern making the corners
    // nearly collinear) puts the horizon across the grid: reject it rather than
    // sample meaningless (huge, infinite or NaN) image coordinates.
    fitted
        .is_regular_over(grid_size as f64 + 1.0)
        .then_some(fitted)
}

/// Gives each round capstone of the group (see `CapStone::round`) the corners of a 7 × 7
/// module square around its centre, with edges along the directions from the corner capstone
/// (B) to the other two: a circle has no corners of its own, but the three centres say how
/// the grid lies. The module size is the circle's: its outer radius is 3.5 modules.
fn square_up_round_capstones(group: &mut CapStoneGroup) -> Option<()> {
    let centre = |cap: &CapStone| (f64::from(cap.center.x), f64::from(cap.center.y));
    let b = centre(&group.1);
    let unit = |to: (f64, f64)| {
        let (dx, dy) = (to.0 - b.0, to.1 - b.1);
        let len = dx.hypot(dy);
        (len > 0.0).then(|| (dx / len, dy / len))
    };
    let (mut eu, mut ev) = (unit(centre(&group.0))?, unit(centre(&group.2))?);
    // Corners go round clockwise on screen (y down), as `Perspective::create` expects.
    if eu.0 * ev.1 - eu.1 * ev.0 < 0.0 {
        mem::swap(&mut eu, &mut ev);
    }
    for cap in [&mut group.0, &mut group.1, &mut group.2] {
        if !cap.round {
            continue;
        }
        let c = centre(cap);
        let radius = cap
            .corners
            .iter()
            .map(|p| (f64::from(p.x) - c.0).hypot(f64::from(p.y) - c.1))
            .sum::<f64>()
            / 4.0;
        // Half a side (3.5 modules) is the circle's radius.
        let corner = |su: f64, sv: f64| {
            Some(Point {
                x: geometry::round_to_i32(c.0 + radius * (su * eu.0 + sv * ev.0))?,
                y: geometry::round_to_i32(c.1 + radius * (su * eu.1 + sv * ev.1))?,
            })
        };
        cap.corners = [
            corner(-1.0, -1.0)?,
            corner(1.0, -1.0)?,
            corner(1.0, 1.0)?,
            corner(-1.0, 1.0)?,
        ];
        cap.c = geometry::Perspective::create(&cap.corners, 7.0, 7.0)?;
    }
    Some(())
}

fn rotate_capstone(cap: &mut CapStone, h0: &Point, hd: &Point) -> Option<()> {
    let (best_idx, _) = cap
        .corners
        .iter()
        .enumerate()
        .min_by_key(|(_, a)| (a.x - h0.x) * (-hd.y) + (a.y - h0.y) * hd.x)
        .expect("corners cannot be empty");

    /* Rotate the capstone */
    cap.corners.rotate_left(best_idx);
    cap.c = geometry::Perspective::create(&cap.corners, 7.0, 7.0)?;
    Some(())
}

//* Try the measure the timing pattern for a given QR code. This does
// * not require the global perspective to have been set up, but it
// * does require that the capstone corners have been set to their
// * canonical rotation.
// *
// * For each capstone, we find a point in the middle of the ring band
// * which is nearest the centre of the code. Using these points, we do
// * a horizontal and a vertical timing scan.
// */
/// The grid size (a valid one: 17 + 4 × version) that puts the capstone
/// centres of the group as far apart as they are, in modules of capstone B's
/// own size.
fn size_from_capstone_distance(caps: &CapStoneGroup) -> Option<usize> {
    let modules_to = |other: &CapStone| {
        let (u, v) = caps.1.c.unmap(&other.center);
        (u - 3.5).hypot(v - 3.5)
    };
    let distance = (modules_to(&caps.0) + modules_to(&caps.2)) / 2.0;
    if !distance.is_finite() {
        return None;
    }
    let version = ((distance + 7.0 - 17.0) / 4.0).round();
    (1.0..=40.0)
        .contains(&version)
        .then(|| version as usize * 4 + 17)
}

fn measure_timing_pattern<S>(img: &PreparedImage<S>, caps: &CapStoneGroup) -> Option<usize>
where
    S: ImageBuffer,
{
    const US: [f64; 3] = [6.5f64, 6.5f64, 0.5f64];
    const VS: [f64; 3] = [0.5f64, 6.5f64, 6.5f64];
    let tpet0 = caps.0.c.try_map(US[0], VS[0])?;
    let tpet1 = caps.1.c.try_map(US[1], VS[1])?;
    let tpet2 = caps.2.c.try_map(US[2], VS[2])?;

    let hscan = timing_scan(img, &tpet1, &tpet2);
    let vscan = timing_scan(img, &tpet1, &tpet0);

    let scan = cmp::max(hscan, vscan);

    /* Choose the nearest allowable grid size */
    if scan < 1 {
        return None;
    }
    let size = scan + 13;
    let ver = (size as f64 - 15.0).floor() as usize / 4;
    Some(ver * 4 + 17)
}

fn timing_scan<S>(img: &PreparedImage<S>, p0: &Point, p1: &Point) -> usize
where
    S: ImageBuffer,
{
    let mut count = 0;
    let mut previous = None;
    for p in geometry::BresenhamScan::new(p0, p1) {
        let pixel = img.get_pixel_at_point(p);
        if let Some(previous) = previous {
            if previous != pixel {
                count += 1;
            }
        }
        previous = Some(pixel);
    }

    count
}

fn find_alignment_pattern<S>(
    img: &mut PreparedImage<S>,
    align_seed: Point,
    c0: &CapStone,
    c2: &CapStone,
) -> Option<Point>
where
    S: ImageBuffer,
{
    /* Guess another two corners of the alignment pattern so that we
     * can estimate its size.
     */
    let (u, v) = c0.c.unmap(&align_seed);
    let a = c0.c.try_map(u, v + 1.0)?;
    let (u, v) = c2.c.unmap(&align_seed);
    let c = c2.c.try_map(u + 1.0, v)?;
    // In i64 (here and in the walk below): the seed comes from intersecting
    // two lines and can be far outside the image, as can these points.
    let (sx, sy) = (i64::from(align_seed.x), i64::from(align_seed.y));
    let (dax, day) = (i64::from(a.x) - sx, i64::from(a.y) - sy);
    let (dcx, dcy) = (i64::from(c.x) - sx, i64::from(c.y) - sy);
    let size_estimate =
        usize::try_from((dax * -dcy + day * dcx).unsigned_abs()).unwrap_or(usize::MAX);

    // No region of the image can match a bigger estimate.
    if size_estimate / 2 > img.width().saturating_mul(img.height()) {
        return None;
    }
    // Legs of `step_size` steps visit points at least `step_size / 2` (in
    // Chebyshev distance) from the seed: past this, they are all outside
    // the image.
    let reach = |seed: i64, len: usize| seed.abs().max((seed - len as i64).abs());
    let max_step = 2 * reach(sx, img.width()).max(reach(sy, img.height())) + 2;

    /* Spiral outwards from the estimate point until we find something
     * roughly the right size. Don't look too far from the estimate
     * point.
     */
    let (mut x, mut y) = (sx, sy);
    let mut dir = 0;
    let mut step_size: usize = 1;

    while step_size.saturating_mul(step_size) < size_estimate.saturating_mul(100)
        && step_size as i64 <= max_step
    {
        const DX_MAP: [i64; 4] = [1, 0, -1, 0];
        const DY_MAP: [i64; 4] = [0, -1, 0, 1];
        for _pass in 0..step_size {
            let ux = usize::try_from(x).unwrap_or(usize::MAX);
            let uy = usize::try_from(y).unwrap_or(usize::MAX);

            // Alignment pattern should not be white
            if ux < img.width()
                && uy < img.height()
                && PixelColor::White != img.get_pixel_at(ux, uy)
            {
                let region = img.get_region((ux, uy));
                let count = match region {
                    ColoredRegion::Unclaimed { pixel_count, .. } => pixel_count,
                    _ => continue,
                };

                // Matches expected size of alignment pattern
                if count >= size_estimate / 2 && count <= size_estimate.saturating_mul(2) {
                    // Inside the image, so it fits in an i32.
                    return Some(Point {
                        x: x as i32,
                        y: y as i32,
                    });
                }
            }

            x += DX_MAP[dir];
            y += DY_MAP[dir];
        }

        // Cycle directions
        dir = (dir + 1) % 4;
        if dir & 1 == 0 {
            step_size += 1
        }
    }
    None
}

struct LeftMostFinder {
    line_p: Point,
    best: Point,
    score: i32,
}

impl AreaFiller for LeftMostFinder {
    fn update(&mut self, row: Row) {
        let left_d = -self.line_p.y * (row.left as i32) + self.line_p.x * row.y as i32;
        let right_d = -self.line_p.y * (row.right as i32) + self.line_p.x * row.y as i32;

        if left_d < self.score {
            self.score = left_d;
            self.best.x = row.left as i32;
            self.best.y = row.y as i32;
        }

        if right_d < self.score {
            self.score = right_d;
            self.best.x = row.right as i32;
            self.best.y = row.y as i32;
        }
    }
}

fn jiggle_perspective<S>(
    img: &PreparedImage<S>,
    mut perspective: geometry::Perspective,
    grid_size: usize,
) -> geometry::Perspective
where
    S: ImageBuffer,
{
    let mut best = fitness_all(img, &perspective, grid_size);
    let mut adjustments: [f64; 8] = [
        perspective.0[0] * 0.02f64,
        perspective.0[1] * 0.02f64,
        perspective.0[2] * 0.02f64,
        perspective.0[3] * 0.02f64,
        perspective.0[4] * 0.02f64,
        perspective.0[5] * 0.02f64,
        perspective.0[6] * 0.02f64,
        perspective.0[7] * 0.02f64,
    ];

    for _pass in 0..5 {
        for i in 0..16 {
            let j = i >> 1;
            let old = perspective.0[j];
            let step = adjustments[j];

            let new = if i & 1 != 0 { old + step } else { old - step };

            perspective.0[j] = new;
            let test = fitness_all(img, &perspective, grid_size);
            if test > best {
                best = test
            } else {
                perspective.0[j] = old
            }
        }

        #[allow(clippy::needless_range_loop)]
        for i in 0..8 {
            adjustments[i] *= 0.5f64;
        }
    }
    perspective
}
/* Compute a fitness score for the currently configured perspective
 * transform, using the features we expect to find by scanning the
 * grid.
 */
fn fitness_all<S>(
    img: &PreparedImage<S>,
    perspective: &geometry::Perspective,
    grid_size: usize,
) -> i32
where
    S: ImageBuffer,
{
    let version = version_from_grid_size(grid_size);
    let info = &VERSION_DATA_BASE[version];
    let mut score = 0;

    /* Check the timing pattern */
    for i in 0..(grid_size as i32 - 14) {
        let expect = if 0 != i & 1 { 1 } else { -1 };
        score += fitness_cell(img, perspective, i + 7, 6) * expect;
        score += fitness_cell(img, perspective, 6, i + 7) * expect;
    }

    /* Check capstones */
    score += fitness_capstone(img, perspective, 0, 0);
    score += fitness_capstone(img, perspective, grid_size as i32 - 7, 0);
    score += fitness_capstone(img, perspective, 0, grid_size as i32 - 7);

    /* Check alignment patterns */
    let mut ap_count = 0;
    while ap_count < 7 && info.apat[ap_count] != 0 {
        ap_count += 1
    }
    for i in 1..(ap_count.saturating_sub(1)) {
        score += fitness_apat(img, perspective, 6, info.apat[i] as i32);
        score += fitness_apat(img, perspective, info.apat[i] as i32, 6);
    }
    for i in 1..ap_count {
        for j in 1..ap_count {
            score += fitness_apat(img, perspective, info.apat[i] as i32, info.apat[j] as i32);
        }
    }
    score
}

fn fitness_apat<S>(
    img: &PreparedImage<S>,
    perspective: &geometry::Perspective,
    cx: i32,
    cy: i32,
) -> i32
where
    S: ImageBuffer,
{
    fitness_cell(img, perspective, cx, cy) - fitness_ring(img, perspective, cx, cy, 1)
        + fitness_ring(img, perspective, cx, cy, 2)
}

fn fitness_ring<S>(
    img: &PreparedImage<S>,
    perspective: &geometry::Perspective,
    cx: i32,
    cy: i32,
    radius: i32,
) -> i32
where
    S: ImageBuffer,
{
    let mut score = 0;
    for i in 0..(radius * 2) {
        score += fitness_cell(img, perspective, cx - radius + i, cy - radius);
        score += fitness_cell(img, perspective, cx - radius, cy + radius - i);
        score += fitness_cell(img, perspective, cx + radius, cy - radius + i);
        score += fitness_cell(img, perspective, cx + radius - i, cy + radius);
    }
    score
}

fn fitness_cell<S>(
    img: &PreparedImage<S>,
    perspective: &geometry::Perspective,
    x: i32,
    y: i32,
) -> i32
where
    S: ImageBuffer,
{
    const OFFSETS: [f64; 3] = [0.3f64, 0.5f64, 0.7f64];
    let mut score = 0;
    #[allow(clippy::needless_range_loop)]
    for v in 0..3 {
        for u in 0..3 {
            // An unrepresentable point is outside the image too.
            let Some(p) = perspective.try_map(x as f64 + OFFSETS[u], y as f64 + OFFSETS[v]) else {
                continue;
            };
            if !(p.y < 0 || p.y as usize >= img.height() || p.x < 0 || p.x as usize >= img.width())
            {
                if PixelColor::White != img.get_pixel_at_point(p) {
                    score += 1
                } else {
                    score -= 1
                }
            }
        }
    }
    score
}

fn fitness_capstone<S>(
    img: &PreparedImage<S>,
    perspective: &geometry::Perspective,
    x: i32,
    y: i32,
) -> i32
where
    S: ImageBuffer,
{
    fitness_cell(img, perspective, x + 3, y + 3) + fitness_ring(img, perspective, x + 3, y + 3, 1)
        - fitness_ring(img, perspective, x + 3, y + 3, 2)
        + fitness_ring(img, perspective, x + 3, y + 3, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 7x7 capstone with its top-left corner at `(x, y)`.
    fn capstone_at(x: i32, y: i32) -> CapStone {
        let corners = [
            Point { x, y },
            Point { x: x + 7, y },
            Point { x: x + 7, y: y + 7 },
            Point { x, y: y + 7 },
        ];
        let c = geometry::Perspective::create(&corners, 7.0, 7.0).unwrap();
        CapStone {
            corners,
            center: c.map(3.5, 3.5),
            c,
            round: false,
        }
    }

    /// The three capstones of a version 1 code with 10 pixel modules, and an
    /// image for the fit to sample.
    fn version_1_setup() -> (
        PreparedImage<crate::prepare::BasicImageBuffer>,
        CapStoneGroup,
    ) {
        let img = PreparedImage::prepare_from_bitmap(1, 1, |_, _| false);
        // `setup_perspective` maps (0, 0), (14, 0), (14, 14), (0, 14) of the
        // grid to the corners of B, C, the alignment point and A.
        let caps = CapStoneGroup(capstone_at(0, 140), capstone_at(0, 0), capstone_at(140, 0));
        (img, caps)
    }

    #[test]
    fn setup_perspective_accepts_a_regular_grid() {
        let (img, caps) = version_1_setup();
        assert!(setup_perspective(&img, &caps, Point { x: 140, y: 140 }, 21).is_some());
    }

    /// A misplaced alignment point makes the fitted perspective so strong that
    /// its horizon crosses the grid before its far edge (21 + 1 modules).
    /// Upstream returned such fits; sampling the grid or its bounds near the
    /// horizon gives huge, infinite or NaN coordinates, and panicked with
    /// `assertion failed: x <= i32::MAX as f64`.
    #[test]
    fn setup_perspective_rejects_a_fit_with_the_horizon_across_the_grid() {
        let (img, caps) = version_1_setup();
        let align = Point { x: 300, y: 300 };
        let initial = geometry::Perspective::create(
            &[
                caps.1.corners[0],
                caps.2.corners[0],
                align,
                caps.0.corners[0],
            ],
            14.0,
            14.0,
        )
        .expect("the four corners themselves are a valid quadrilateral");
        assert!(!initial.is_regular_over(22.0));
        assert!(setup_perspective(&img, &caps, align, 21).is_none());
    }

    /// Intersecting two nearly parallel capstone edges can put the seed of the
    /// alignment pattern search anywhere: upstream's spiral then overflowed
    /// `i32` (a panic in debug builds).
    #[test]
    fn find_alignment_pattern_with_a_seed_far_outside_the_image() {
        let (mut img, caps) = version_1_setup();
        for seed in [
            Point {
                x: i32::MAX - 3,
                y: 0,
            },
            Point {
                x: i32::MIN + 3,
                y: i32::MIN + 3,
            },
            Point { x: 5000, y: -5000 },
        ] {
            assert_eq!(
                find_alignment_pattern(&mut img, seed, &caps.0, &caps.2),
                None
            );
        }
    }

    /// The candidate that made upstream panic on a photo of a small code
    /// (zxing's test image `qrcode-6/7.png`, after Vaora's binarisation): the
    /// alignment point found lies almost on the line through capstones A and
    /// C, so the perspective's horizon crosses the grid at about 15 modules.
    #[test]
    fn setup_perspective_rejects_the_recorded_degenerate_candidate() {
        let img = PreparedImage::prepare_from_bitmap(1, 1, |_, _| false);
        let caps = CapStoneGroup(
            capstone_at(252, 232),
            capstone_at(241, 206),
            capstone_at(275, 231),
        );
        assert!(setup_perspective(&img, &caps, Point { x: 261, y: 250 }, 21).is_none());
    }

    /// Upstream gave up on a version 2+ grid whose alignment pattern it could
    /// not find (covered by a logo, smudged); quirc, like the fork now, falls
    /// back to where the capstone edges meet.
    #[test]
    fn a_code_without_its_alignment_pattern_decodes() {
        let code =
            crate::test_render::code("ALIGNMENT PATTERN PAINTED OVER", 3, qrcode::EcLevel::H);
        // Version 3: the alignment pattern's centre is module (22, 22).
        let modules = crate::test_render::modules(&code, |x, y| {
            ((20..=24).contains(&x) && (20..=24).contains(&y)).then_some(false)
        });
        let mut img = crate::test_render::render(&modules, 6.0, 0.0);
        assert_eq!(
            crate::test_render::decoded_texts(&mut img),
            ["ALIGNMENT PATTERN PAINTED OVER"]
        );
    }

    /// Finder patterns drawn as concentric circles (zxing-cpp's `qr-circles-1`): the
    /// capstones are found, but a circle's "corners" are arbitrary points on it, so upstream
    /// placed no capstone on another's axis and found no group.
    #[test]
    fn a_code_with_round_finder_patterns_decodes() {
        let code = crate::test_render::code("ROUND FINDER PATTERNS", 3, qrcode::EcLevel::M);
        for degrees in [0.0, 17.0] {
            let mut img = crate::test_render::render_round_finders(&code, 8.0, degrees);
            let caps = crate::capstones_from_image(&mut img);
            assert_eq!(caps.len(), 3, "{degrees}°");
            assert!(caps.iter().all(|cap| cap.round), "{degrees}°");
            let mut img = crate::test_render::render_round_finders(&code, 8.0, degrees);
            assert_eq!(
                crate::test_render::decoded_texts(&mut img),
                ["ROUND FINDER PATTERNS"],
                "{degrees}°"
            );
        }
    }

    #[test]
    fn square_finder_patterns_are_not_round() {
        let code = crate::test_render::code("SQUARE", 2, qrcode::EcLevel::M);
        let modules = crate::test_render::modules(&code, |_, _| None);
        // Down to 2-pixel modules, where pixel-centre corners understate the ring's extent.
        for (module_px, degrees) in [(8.0, 0.0), (5.0, 30.0), (2.0, 0.0)] {
            let mut img = crate::test_render::render(&modules, module_px, degrees);
            let caps = crate::capstones_from_image(&mut img);
            assert_eq!(caps.len(), 3, "{module_px} px, {degrees}°");
            assert!(
                !caps.iter().any(|cap| cap.round),
                "{module_px} px, {degrees}°"
            );
        }
    }

    #[test]
    fn size_from_capstone_distance_rounds_to_a_version() {
        // 10-pixel modules: capstones of a version 3 code (29 modules) are 22
        // modules apart, centre to centre.
        let caps = CapStoneGroup(
            scaled_capstone(0, 220, 10),
            scaled_capstone(0, 0, 10),
            scaled_capstone(220, 0, 10),
        );
        assert_eq!(size_from_capstone_distance(&caps), Some(29));
        // A module more or less still rounds to version 3.
        let caps = CapStoneGroup(
            scaled_capstone(0, 231, 10),
            scaled_capstone(0, 0, 10),
            scaled_capstone(229, 0, 10),
        );
        assert_eq!(size_from_capstone_distance(&caps), Some(29));
    }

    /// A capstone with `module` pixel modules and its top-left corner at `(x, y)`.
    fn scaled_capstone(x: i32, y: i32, module: i32) -> CapStone {
        let side = 7 * module;
        let corners = [
            Point { x, y },
            Point { x: x + side, y },
            Point {
                x: x + side,
                y: y + side,
            },
            Point { x, y: y + side },
        ];
        let c = geometry::Perspective::create(&corners, 7.0, 7.0).unwrap();
        CapStone {
            corners,
            center: c.map(3.5, 3.5),
            c,
            round: false,
        }
    }
}
