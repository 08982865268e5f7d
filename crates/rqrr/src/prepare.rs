use std::cmp;

use crate::identify::match_capstones::CapStoneGroup;
use crate::identify::Point;
use crate::region_cache::RegionCache;
use crate::SkewedGridLocation;

/// An black-and-white image that can be mutated on search for QR codes
///
/// During search for QR codes, some black zones will be recolored in
/// 'different' shades of black. This is done to speed up the search and
/// mitigate the impact of a huge zones.
#[derive(Clone)]
pub struct PreparedImage<S> {
    buffer: S,
    cache: RegionCache,
}

pub trait ImageBuffer {
    fn width(&self) -> usize;
    fn height(&self) -> usize;

    fn get_pixel(&self, x: usize, y: usize) -> u8;
    fn set_pixel(&mut self, x: usize, y: usize, val: u8);

    /// The pixels as one row-major slice of exactly `width * height` bytes, for buffers that
    /// store them so: the flood fill and the capstone scan then work on row slices instead of
    /// calling `get_pixel` / `set_pixel` for every pixel. `None` (the default) keeps the
    /// per-pixel calls.
    fn pixels_mut(&mut self) -> Option<&mut [u8]> {
        None
    }

    /// Read-only [`pixels_mut`](Self::pixels_mut).
    fn pixels(&self) -> Option<&[u8]> {
        None
    }
}

#[cfg(feature = "img")]
impl<
        T: image::GenericImage<Pixel = image::Luma<u8>>
            + image::GenericImageView<Pixel = image::Luma<u8>>,
    > ImageBuffer for T
{
    fn width(&self) -> usize {
        self.width() as usize
    }

    fn height(&self) -> usize {
        self.height() as usize
    }

    fn get_pixel(&self, x: usize, y: usize) -> u8 {
        self.get_pixel(x as u32, y as u32).0[0]
    }

    fn set_pixel(&mut self, x: usize, y: usize, val: u8) {
        let pixel = image::Luma::<u8>::from([val; 1]);

        self.put_pixel(x as u32, y as u32, pixel);
    }
}

#[derive(Clone, Debug)]
pub struct BasicImageBuffer {
    w: usize,
    h: usize,
    pixels: Box<[u8]>,
}

impl ImageBuffer for BasicImageBuffer {
    fn width(&self) -> usize {
        self.w
    }

    fn height(&self) -> usize {
        self.h
    }

    fn get_pixel(&self, x: usize, y: usize) -> u8 {
        let w = self.width();
        self.pixels[(y * w) + x]
    }

    fn set_pixel(&mut self, x: usize, y: usize, val: u8) {
        let w = self.width();
        self.pixels[(y * w) + x] = val
    }

    fn pixels_mut(&mut self) -> Option<&mut [u8]> {
        Some(&mut self.pixels)
    }

    fn pixels(&self) -> Option<&[u8]> {
        Some(&self.pixels)
    }
}

#[derive(Debug, Clone, Copy, Eq, PartialEq)]
pub struct Row {
    pub left: usize,
    pub right: usize,
    pub y: usize,
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum PixelColor {
    White,
    Black,
    CapStone,
    Alignment,
    Tmp1,
    Discarded(u8),
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum ColoredRegion {
    Unclaimed {
        color: PixelColor,
        src_x: usize,
        src_y: usize,
        pixel_count: usize,
    },
    CapStone,
    Alignment,
    Tmp1,
}

impl From<u8> for PixelColor {
    fn from(x: u8) -> Self {
        match x {
            0 => PixelColor::White,
            1 => PixelColor::Black,
            2 => PixelColor::CapStone,
            3 => PixelColor::Alignment,
            4 => PixelColor::Tmp1,
            x => PixelColor::Discarded(x - 5),
        }
    }
}

impl From<PixelColor> for u8 {
    fn from(c: PixelColor) -> Self {
        match c {
            PixelColor::White => 0,
            PixelColor::Black => 1,
            PixelColor::CapStone => 2,
            PixelColor::Alignment => 3,
            PixelColor::Tmp1 => 4,
            PixelColor::Discarded(x) => x + 5,
        }
    }
}

impl PartialEq<u8> for PixelColor {
    fn eq(&self, other: &u8) -> bool {
        let rep: u8 = (*self).into();
        rep == *other
    }
}

pub trait AreaFiller {
    fn update(&mut self, row: Row);
}

impl<F> AreaFiller for F
where
    F: FnMut(Row),
{
    fn update(&mut self, row: Row) {
        self(row)
    }
}

struct AreaCounter(usize);

impl AreaFiller for AreaCounter {
    fn update(&mut self, row: Row) {
        self.0 += row.right - row.left + 1;
    }
}

/// Exact unsigned division by a divisor fixed in advance, as one multiplication and a shift
/// (Granlund and Montgomery's round-up method), for the thresholding loop. With
/// `l = ceil(log2(d))`, `k = 31 + l` and `m = floor(2^k / d) + 1`, the error `m * d - 2^k` is
/// in `1..=d`, so `floor(n * m / 2^k) == floor(n / d)` for every `n < 2^31`, and `n * m` fits in
/// a `u64` because `m <= 2^32`.
#[derive(Clone, Copy, Debug)]
struct DivBy {
    multiplier: u64,
    shift: u32,
}

impl DivBy {
    /// `divisor` must be below 2^31 (and is taken as 1 if 0).
    fn new(divisor: usize) -> Self {
        let divisor = divisor.max(1) as u64;
        debug_assert!(divisor < 1 << 31);
        let log2_ceil = u64::BITS - (divisor - 1).leading_zeros();
        let shift = 31 + log2_ceil;
        DivBy {
            multiplier: (1_u64 << shift) / divisor + 1,
            shift,
        }
    }

    /// `n / divisor` for `n < 2^31`.
    #[inline(always)]
    fn div_small(self, n: u64) -> u64 {
        debug_assert!(n < 1 << 31);
        // Exact below 2^31 (see above).
        (n * self.multiplier) >> self.shift
    }
}

/// Upstream's threshold, one row at a time: a running average of the pixels along a
/// serpentine path in each direction (carried from row to row), and a pixel is black when
/// it is 5 % below the mean of the two averages at its position.
///
/// Same results as upstream's loop, faster: upstream's step `avg * (s - 1) / s + pixel` is a
/// division in a chain of dependent steps, `avg - ceil(avg / s)` is the same value and is
/// computed by [`DivBy`]; the final comparison `pixel < sum * 95 / (200 * s)` (rounded
/// down) is done without dividing; and rows are slices, so buffers without a per-pixel
/// accessor call (`prepare_from_greyscale`, `prepare_from_luma`) skip it.
struct RowThreshold {
    window: usize,
    /// `None` for windows of [`Self::SMALL_WINDOW`] and more, which divide plainly.
    div: Option<DivBy>,
    /// The running averages plus `window - 1`, so that `ceil(avg / window)` is the plain
    /// quotient `shifted / window` and the step `shifted - shifted / window + pixel` has one
    /// operation fewer in its chain than upstream's form.
    shifted_v: u64,
    shifted_u: u64,
    row_average: Vec<usize>,
}

impl RowThreshold {
    /// Below this window every shifted average stays below `256 * window <= 2^31`, the range
    /// where [`DivBy::div_small`] is exact (images up to 2^26 pixels wide).
    const SMALL_WINDOW: usize = 1 << 23;

    fn new(w: usize) -> Self {
        let window = cmp::max(w / 8, 1);
        RowThreshold {
            window,
            div: (window < Self::SMALL_WINDOW).then(|| DivBy::new(window)),
            shifted_v: (window - 1) as u64,
            shifted_u: (window - 1) as u64,
            row_average: vec![0; w],
        }
    }

    /// Thresholds row `y` (its luma in, 0 = white / 1 = black out); rows must come in order.
    fn apply(&mut self, row: &mut [u8], y: usize) {
        let window = self.window as u64;
        // An average stays at most `255 * window` (a fixed point of the step), so its
        // shifted value is below `256 * window`.
        match self.div {
            Some(div) => self.apply_with(row, y, |shifted| div.div_small(shifted)),
            None => self.apply_with(row, y, |shifted| shifted / window),
        }
    }

    #[inline(always)]
    fn apply_with(&mut self, row: &mut [u8], y: usize, quotient: impl Fn(u64) -> u64) {
        let w = row.len();
        let offset = (self.window - 1) as u64;
        let sums = &mut self.row_average[..w];
        sums.fill(0);
        // `v` runs right to left on even rows and left to right on odd ones, `u` the other
        // way; both chains advance in one loop so that their steps overlap.
        let (forward, backward) = if y % 2 == 0 {
            (&mut self.shifted_u, &mut self.shifted_v)
        } else {
            (&mut self.shifted_v, &mut self.shifted_u)
        };
        let (mut fwd, mut bwd) = (*forward, *backward);
        for x in 0..w {
            let back = w - 1 - x;
            // avg' = avg - ceil(avg / window) + pixel, on the shifted values; the quotient
            // is at most the dividend, so nothing underflows.
            fwd = fwd + u64::from(row[x]) - quotient(fwd);
            bwd = bwd + u64::from(row[back]) - quotient(bwd);
            // Averages fit in a `usize` (upstream's type): below 256 * window.
            sums[x] += (fwd - offset) as usize;
            sums[back] += (bwd - offset) as usize;
        }
        (*forward, *backward) = (fwd, bwd);
        let dark_below = 200 * self.window as u64;
        for (pixel, &sum) in row.iter_mut().zip(sums.iter()) {
            let dark = (u64::from(*pixel) + 1) * dark_below <= sum as u64 * (100 - 5);
            *pixel = if dark {
                PixelColor::Black
            } else {
                PixelColor::White
            }
            .into();
        }
    }
}

impl<S> PreparedImage<S>
where
    S: ImageBuffer,
{
    pub fn prepare(mut buf: S) -> Self {
        let w = buf.width();
        let mut threshold = RowThreshold::new(w);
        let mut row = vec![0; w];
        for y in 0..buf.height() {
            for (x, pixel) in row.iter_mut().enumerate() {
                *pixel = buf.get_pixel(x, y);
            }
            threshold.apply(&mut row, y);
            for (x, &pixel) in row.iter().enumerate() {
                buf.set_pixel(x, y, pixel);
            }
        }

        PreparedImage {
            buffer: buf,
            cache: RegionCache::new(),
        }
    }

    /// Group [CapStones](struct.CapStone.html) into [Grids](struct.Grid.html)
    /// that are likely QR codes
    ///
    /// Return a vector of Grids
    pub fn detect_grids<'a>(
        &'a mut self,
    ) -> Vec<crate::Grid<crate::identify::grid::RefGridImage<'a, S>>>
    where
        S: Clone,
    {
        let stones = crate::capstones_from_image(self);
        let locations = self.find_groupings(stones);
        // Each location was fitted on a copy of this image. Fitting only
        // recolours dark regions (capstones, alignment patterns) and a grid only
        // asks whether a pixel is white, so the grids can sample this image.
        let image: &'a Self = self;
        locations
            .into_iter()
            .map(|grid_location| {
                let bounds = [
                    grid_location.c.map(0.0, 0.0),
                    grid_location
                        .c
                        .map(grid_location.grid_size as f64 + 1.0, 0.0),
                    grid_location.c.map(
                        grid_location.grid_size as f64 + 1.0,
                        grid_location.grid_size as f64 + 1.0,
                    ),
                    grid_location
                        .c
                        .map(0.0, grid_location.grid_size as f64 + 1.0),
                ];
                let grid = grid_location.into_grid_image(image);
                crate::Grid { grid, bounds }
            })
            .collect()
    }

    /// Find CapStones that form a grid
    ///
    /// By trying to match up the relative perspective of 3
    /// [CapStones](struct.CapStone.html) along with other criteria we can find the
    /// CapStones that corner the same QR code.
    ///
    /// Among the groups (and the fits of each group, see
    /// `SkewedGridLocation::fits_from_group`) that a capstone could belong to,
    /// the first whose grid decodes is taken; if none decodes, the first that
    /// looks like a QR code, as before. A false capstone (a logo, a module
    /// cluster) can otherwise claim a real one in a group that never decodes.
    fn find_groupings(&self, capstones: Vec<crate::CapStone>) -> Vec<SkewedGridLocation>
    where
        S: Clone,
    {
        let mut used_capstones = Vec::new();
        let mut locations = Vec::new();
        let mut fallbacks = Vec::new();
        for idx in 0..capstones.len() {
            if used_capstones.contains(&idx) {
                continue;
            }
            let pairs = crate::identify::find_and_rank_possible_neighbors(&capstones, idx);
            let mut fallback = None;
            for pair in pairs {
                if used_capstones.contains(&pair.0) || used_capstones.contains(&pair.1) {
                    continue;
                }
                let group_under_test = CapStoneGroup(
                    capstones[pair.0].clone(),
                    capstones[idx].clone(),
                    capstones[pair.1].clone(),
                );
                // Confirm that this group has the other requirements of a QR code.
                // A copy of the input image is used to not contaminate the
                // original on an incorrect set of CapStones
                let mut image_copy = self.clone();
                let fits = SkewedGridLocation::fits_from_group(&mut image_copy, group_under_test);
                let mut first = None;
                let mut decodable = None;
                let mut unreadable_formats = 0;
                for index in 0..fits.len() {
                    let Some(location) = fits.fit(&image_copy, index) else {
                        continue;
                    };
                    let grid = location.clone().into_grid_image(&image_copy);
                    let result = crate::decode::decode(&grid, std::io::sink());
                    if result.is_ok() {
                        decodable = Some(location);
                        break;
                    }
                    first.get_or_insert(location);
                    // Format bits unreadable on two fits: most likely not a
                    // code at all, so the other fits are not worth their cost.
                    if matches!(result, Err(crate::DeQRError::FormatEcc)) {
                        unreadable_formats += 1;
                        if unreadable_formats == 2 {
                            break;
                        }
                    }
                }
                let Some(location) = decodable else {
                    if fallback.is_none() {
                        fallback = first.map(|location| ([pair.0, idx, pair.1], location));
                    }
                    continue;
                };
                // This is a viable set, save this grouping
                locations.push(location);
                used_capstones.extend([pair.0, idx, pair.1]);
            }
            fallbacks.extend(fallback);
        }
        // Groups that look like a QR code but do not decode, after every group
        // that decodes has claimed its capstones.
        for (members, location) in fallbacks {
            if members.iter().any(|m| used_capstones.contains(m)) {
                continue;
            }
            locations.push(location);
            used_capstones.extend(members);
        }
        locations
    }

    pub fn without_preparation(buf: S) -> Self {
        for y in 0..buf.height() {
            for x in 0..buf.width() {
                assert!(buf.get_pixel(x, y) < 2);
            }
        }

        PreparedImage {
            buffer: buf,
            cache: RegionCache::new(),
        }
    }

    /// Return the width of the image
    pub fn width(&self) -> usize {
        self.buffer.width()
    }

    /// Return the height of the image
    pub fn height(&self) -> usize {
        self.buffer.height()
    }

    pub(crate) fn get_region(&mut self, (x, y): (usize, usize)) -> ColoredRegion {
        let color: PixelColor = self.buffer.get_pixel(x, y).into();
        match color {
            PixelColor::Discarded(r) => self.cache.get(r).expect("a repainted region is cached"),
            PixelColor::Black => {
                let cache_fill = self.cache.len();
                let reg_idx = if cache_fill == self.cache.cap() {
                    let (c, reg) = self.cache.pop_lru().expect("fill is at capacity (251)");
                    #[allow(clippy::single_match)]
                    match reg {
                        ColoredRegion::Unclaimed {
                            src_x,
                            src_y,
                            color,
                            ..
                        } => {
                            let _ = self.flood_fill(
                                src_x,
                                src_y,
                                color.into(),
                                PixelColor::Black.into(),
                                |_| (),
                            );
                        }
                        _ => (),
                    }
                    c
                } else {
                    cache_fill as u8
                };
                let next_reg_color = PixelColor::Discarded(reg_idx);
                let counter = self.repaint_and_apply((x, y), next_reg_color, AreaCounter(0));
                let new_reg = ColoredRegion::Unclaimed {
                    color: next_reg_color,
                    src_x: x,
                    src_y: y,
                    pixel_count: counter.0,
                };
                self.cache.put(reg_idx, new_reg);
                new_reg
            }
            PixelColor::Tmp1 => ColoredRegion::Tmp1,
            PixelColor::Alignment => ColoredRegion::Alignment,
            PixelColor::CapStone => ColoredRegion::CapStone,
            PixelColor::White => panic!("Tried to color white patch"),
        }
    }

    pub(crate) fn repaint_and_apply<F>(
        &mut self,
        (x, y): (usize, usize),
        target_color: PixelColor,
        fill: F,
    ) -> F
    where
        F: AreaFiller,
    {
        let src = self.buffer.get_pixel(x, y);
        if PixelColor::White == src || target_color == src {
            panic!("Cannot repaint with white or same color");
        }

        self.flood_fill(x, y, src, target_color.into(), fill)
    }

    pub fn get_pixel_at_point(&self, p: Point) -> PixelColor {
        let x = cmp::max(0, cmp::min((self.width() - 1) as i32, p.x));
        let y = cmp::max(0, cmp::min((self.height() - 1) as i32, p.y));
        self.buffer.get_pixel(x as usize, y as usize).into()
    }

    /// The first column at or after `x` in row `y` whose pixel differs from the one before
    /// `x` (`x > 0`), or the width if the run lasts to the end of the row.
    pub(crate) fn run_end(&self, x: usize, y: usize) -> usize {
        let w = self.width();
        let color = self.buffer.get_pixel(x - 1, y);
        if let Some(pixels) = self.buffer.pixels() {
            let row = &pixels[y * w..(y + 1) * w];
            return x + row[x..].iter().take_while(|&&p| p == color).count();
        }
        (x..w)
            .find(|&x| self.buffer.get_pixel(x, y) != color)
            .unwrap_or(w)
    }

    pub fn get_pixel_at(&self, x: usize, y: usize) -> PixelColor {
        self.buffer.get_pixel(x, y).into()
    }

    #[cfg(feature = "img")]
    pub fn write_state_to(&self, p: &str) {
        let mut dyn_img = image::RgbImage::new(self.width() as u32, self.height() as u32);
        const COLORS: [[u8; 3]; 8] = [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [255, 255, 0],
            [255, 0, 255],
            [0, 255, 255],
            [128, 128, 128],
            [128, 0, 128],
        ];
        for y in 0..self.height() {
            for x in 0..self.width() {
                let px = self.buffer.get_pixel(x, y);
                dyn_img.get_pixel_mut(x as u32, y as u32).0 = if px == 0 {
                    [255, 255, 255]
                } else if px == 1 {
                    [0, 0, 0]
                } else {
                    let i = self.buffer.get_pixel(x, y) - 2;
                    COLORS[(i % 8) as usize]
                }
            }
        }
        dyn_img.save(p).unwrap();
    }

    fn flood_fill<F>(&mut self, x: usize, y: usize, from: u8, to: u8, mut fill: F) -> F
    where
        F: AreaFiller,
    {
        assert_ne!(from, to);
        let w = self.width();
        if let Some(pixels) = self.buffer.pixels_mut() {
            return flood_fill_rows(pixels, w, (x, y), from, to, fill);
        }
        let mut queue = Vec::new();
        queue.push((x, y));

        while let Some((x, y)) = queue.pop() {
            // Bail early in case there is nothing to fill
            if self.buffer.get_pixel(x, y) == to || self.buffer.get_pixel(x, y) != from {
                continue;
            }

            let mut left = x;
            let mut right = x;

            while left > 0 && self.buffer.get_pixel(left - 1, y) == from {
                left -= 1;
            }
            while right < w - 1 && self.buffer.get_pixel(right + 1, y) == from {
                right += 1
            }

            /* Fill the extent */
            for idx in left..=right {
                self.buffer.set_pixel(idx, y, to);
            }

            fill.update(Row { left, right, y });

            /* Seed new flood-fills */
            if y > 0 {
                let mut seeded_previous = false;
                for x in left..=right {
                    let p = self.buffer.get_pixel(x, y - 1);
                    if p == from {
                        if !seeded_previous {
                            queue.push((x, y - 1));
                        }
                        seeded_previous = true;
                    } else {
                        seeded_previous = false;
                    }
                }
            }
            if y < self.height() - 1 {
                let mut seeded_previous = false;
                for x in left..=right {
                    let p = self.buffer.get_pixel(x, y + 1);
                    if p == from {
                        if !seeded_previous {
                            queue.push((x, y + 1));
                        }
                        seeded_previous = true;
                    } else {
                        seeded_previous = false;
                    }
                }
            }
        }
        fill
    }
}

/// [`PreparedImage::flood_fill`] on a row-major slice: the same spans, filled and reported in
/// the same order, with each row's work done on slices.
fn flood_fill_rows<F: AreaFiller>(
    pixels: &mut [u8],
    w: usize,
    (x, y): (usize, usize),
    from: u8,
    to: u8,
    mut fill: F,
) -> F {
    // (x, y) is a pixel, so the width is not 0.
    let h = pixels.len() / w;
    let mut queue = vec![(x, y)];
    while let Some((x, y)) = queue.pop() {
        let row = &mut pixels[y * w..(y + 1) * w];
        // Bail early in case there is nothing to fill (`from != to`)
        if row[x] != from {
            continue;
        }
        let left = x - row[..x].iter().rev().take_while(|&&p| p == from).count();
        let right = x + row[x + 1..].iter().take_while(|&&p| p == from).count();
        row[left..=right].fill(to);
        fill.update(Row { left, right, y });

        /* Seed new flood-fills: the first pixel of each run of `from` next to the span */
        let neighbours = [y.checked_sub(1), Some(y + 1).filter(|&below| below < h)];
        for ny in neighbours.into_iter().flatten() {
            let span = &pixels[ny * w + left..=ny * w + right];
            let mut seeded_previous = false;
            for (i, &p) in span.iter().enumerate() {
                let is_from = p == from;
                if is_from && !seeded_previous {
                    queue.push((left + i, ny));
                }
                seeded_previous = is_from;
            }
        }
    }
    fill
}

impl PreparedImage<BasicImageBuffer> {
    /// Given a function with binary output, generate a searchable image
    ///
    /// If the given function returns `true` the matching pixel will be 'black'.
    pub fn prepare_from_bitmap<F>(w: usize, h: usize, mut fill: F) -> Self
    where
        F: FnMut(usize, usize) -> bool,
    {
        let capacity = w.checked_mul(h).expect("Image dimensions caused overflow");
        let mut pixels = Vec::with_capacity(capacity);

        for y in 0..h {
            for x in 0..w {
                let col = if fill(x, y) {
                    PixelColor::Black
                } else {
                    PixelColor::White
                };
                pixels.push(col.into())
            }
        }
        let pixels = pixels.into_boxed_slice();
        let buffer = BasicImageBuffer { w, h, pixels };
        // Every pixel is Black or White by construction: `without_preparation`'s check of
        // each pixel through `get_pixel` would cost about as much as filling the buffer.
        PreparedImage {
            buffer,
            cache: RegionCache::new(),
        }
    }

    /// Given a byte valued function, generate a searchable image
    ///
    /// The values returned by the function are interpreted as luminance. i.e. a
    /// value of 0 is black, 255 is white.
    pub fn prepare_from_greyscale<F>(w: usize, h: usize, mut fill: F) -> Self
    where
        F: FnMut(usize, usize) -> u8,
    {
        let capacity = w.checked_mul(h).expect("Image dimensions caused overflow");
        let mut data = Vec::with_capacity(capacity);
        for y in 0..h {
            for x in 0..w {
                data.push(fill(x, y));
            }
        }
        Self::threshold_in_place(w, h, data.into_boxed_slice())
    }

    /// [`prepare_from_greyscale`](Self::prepare_from_greyscale) from a row-major luma buffer
    /// (`w * h` bytes, 0 = black), copied in one go instead of pixel by pixel.
    ///
    /// Returns `None` if `luma` does not hold exactly `w * h` bytes.
    pub fn prepare_from_luma(w: usize, h: usize, luma: &[u8]) -> Option<Self> {
        if w.checked_mul(h) != Some(luma.len()) {
            return None;
        }
        Some(Self::threshold_in_place(w, h, luma.into()))
    }

    fn threshold_in_place(w: usize, h: usize, mut pixels: Box<[u8]>) -> Self {
        if w > 0 {
            let mut threshold = RowThreshold::new(w);
            for (y, row) in pixels.chunks_exact_mut(w).enumerate() {
                threshold.apply(row, y);
            }
        }
        let buffer = BasicImageBuffer { w, h, pixels };
        PreparedImage {
            buffer,
            cache: RegionCache::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img_from_array(array: [[u8; 3]; 3]) -> PreparedImage<BasicImageBuffer> {
        let mut pixels = Vec::new();
        for col in array.iter() {
            for item in col.iter() {
                if *item == 0 {
                    pixels.push(0)
                } else {
                    pixels.push(1)
                }
            }
        }
        let buffer = BasicImageBuffer {
            w: 3,
            h: 3,
            pixels: pixels.into_boxed_slice(),
        };

        PreparedImage {
            buffer,
            cache: RegionCache::new(),
        }
    }

    /// Upstream's threshold, divisions and all, to check the fast one against.
    fn upstream_threshold(w: usize, h: usize, pixels: &[u8]) -> Vec<u8> {
        let mut out = vec![0; w * h];
        let mut row_average = vec![0; w];
        let (mut avg_v, mut avg_u) = (0, 0);
        let threshold_s = cmp::max(w / 8, 1);
        for y in 0..h {
            row_average.fill(0);
            for x in 0..w {
                let (v, u) = if y % 2 == 0 {
                    (w - 1 - x, x)
                } else {
                    (x, w - 1 - x)
                };
                avg_v = avg_v * (threshold_s - 1) / threshold_s + pixels[y * w + v] as usize;
                avg_u = avg_u * (threshold_s - 1) / threshold_s + pixels[y * w + u] as usize;
                row_average[v] += avg_v;
                row_average[u] += avg_u;
            }
            for x in 0..w {
                let dark =
                    (pixels[y * w + x] as usize) < row_average[x] * (100 - 5) / (200 * threshold_s);
                out[y * w + x] = u8::from(dark);
            }
        }
        out
    }

    /// A deterministic pseudo-random byte stream (xorshift), with some flat runs and extremes.
    fn noise(len: usize, seed: u32) -> Vec<u8> {
        let mut state = seed.max(1);
        (0..len)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                match (i / 97) % 4 {
                    0 => (state >> 24) as u8,
                    1 => 255,
                    2 => ((state >> 24) as u8) / 4,
                    _ => 128 + (i % 7) as u8,
                }
            })
            .collect()
    }

    #[test]
    fn fast_threshold_matches_upstream() {
        for (w, h) in [
            (1, 5),
            (7, 3),
            (8, 8),
            (9, 4),
            (63, 17),
            (640, 48),
            (1283, 9),
        ] {
            let pixels = noise(w * h, (w * 31 + h) as u32);
            let prepared = PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
            let ours: Vec<u8> = (0..w * h)
                .map(|i| prepared.get_pixel_at(i % w, i / w).into())
                .collect();
            assert_eq!(ours, upstream_threshold(w, h, &pixels), "{w}x{h}");
            let from_luma = PreparedImage::prepare_from_luma(w, h, &pixels).expect("w * h bytes");
            assert_eq!(from_luma.buffer.pixels, prepared.buffer.pixels, "{w}x{h}");
            let buffer = BasicImageBuffer {
                w,
                h,
                pixels: pixels.clone().into_boxed_slice(),
            };
            let generic = PreparedImage::prepare(buffer);
            assert_eq!(generic.buffer.pixels, prepared.buffer.pixels, "{w}x{h}");
        }
    }

    #[test]
    fn plain_division_threshold_matches_upstream() {
        // The path of images over 2^26 pixels wide, forced on small ones.
        for (w, h) in [(5, 3), (64, 9), (333, 4)] {
            let mut pixels = noise(w * h, w as u32);
            let expected = upstream_threshold(w, h, &pixels);
            let mut threshold = RowThreshold::new(w);
            threshold.div = None;
            for (y, row) in pixels.chunks_exact_mut(w).enumerate() {
                threshold.apply(row, y);
            }
            assert_eq!(pixels, expected, "{w}x{h}");
        }
    }

    #[test]
    fn prepare_from_luma_needs_w_times_h_bytes() {
        assert!(PreparedImage::prepare_from_luma(3, 2, &[0; 5]).is_none());
        assert!(PreparedImage::prepare_from_luma(3, 2, &[0; 7]).is_none());
        assert!(PreparedImage::prepare_from_luma(usize::MAX, 2, &[]).is_none());
        let empty = PreparedImage::prepare_from_luma(0, 4, &[]).expect("0 * 4 bytes");
        assert_eq!(empty.width(), 0);
    }

    #[test]
    fn div_by_matches_division() {
        let divisors = (1..=300).chain([1023, 1024, 1025, 65_535, 1 << 20, (1 << 23) - 1]);
        for d in divisors {
            let div = DivBy::new(d);
            let d = d as u64;
            let edges = [0, 1, d - 1, d, d + 1, 255 * d, 256 * d - 1, (1 << 31) - 1];
            let steps = (0..2000).map(|i| i * 7919 % (1 << 31));
            for n in edges.into_iter().chain(steps) {
                assert_eq!(div.div_small(n), n / d, "{n} / {d}");
            }
        }
    }

    /// A buffer without `pixels_mut`, so `PreparedImage` takes its per-pixel paths.
    #[derive(Clone)]
    struct PerPixel(BasicImageBuffer);

    impl ImageBuffer for PerPixel {
        fn width(&self) -> usize {
            self.0.width()
        }
        fn height(&self) -> usize {
            self.0.height()
        }
        fn get_pixel(&self, x: usize, y: usize) -> u8 {
            self.0.get_pixel(x, y)
        }
        fn set_pixel(&mut self, x: usize, y: usize, val: u8) {
            self.0.set_pixel(x, y, val)
        }
    }

    #[test]
    fn slice_flood_fill_matches_the_per_pixel_one() {
        // Blobs and speckle: regions with holes, bays and single pixels, touching the edges.
        let (w, h) = (61, 47);
        let pixels: Vec<u8> = noise(w * h, 7)
            .into_iter()
            .enumerate()
            .map(|(i, p)| u8::from(p < 90 || (i % w + i / w) % 11 < 4))
            .collect();
        let buffer = BasicImageBuffer {
            w,
            h,
            pixels: pixels.into_boxed_slice(),
        };
        let cache = RegionCache::new;
        let mut by_rows = PreparedImage {
            buffer: buffer.clone(),
            cache: cache(),
        };
        let mut by_pixels = PreparedImage {
            buffer: PerPixel(buffer),
            cache: cache(),
        };
        let mut fills = 0;
        for seed in (0..w * h).step_by(13) {
            let (x, y) = (seed % w, seed / w);
            let to = 2 + (seed % 200) as u8;
            let from = by_rows.buffer.get_pixel(x, y);
            if from == to {
                continue;
            }
            let mut rows_a = Vec::new();
            let mut rows_b = Vec::new();
            let _ = by_rows.flood_fill(x, y, from, to, |row| rows_a.push(row));
            let _ = by_pixels.flood_fill(x, y, from, to, |row| rows_b.push(row));
            assert_eq!(rows_a, rows_b, "fill from ({x}, {y})");
            fills += usize::from(rows_a.len() > 1);
        }
        assert!(fills > 10, "the image has multi-row regions");
        assert_eq!(by_rows.buffer.pixels, by_pixels.buffer.0.pixels);
    }

    #[test]
    fn slice_capstone_scan_matches_the_per_pixel_one() {
        let code = crate::test_render::code("SLICES", 2, qrcode::EcLevel::M);
        let modules = crate::test_render::modules(&code, |_, _| None);
        let image = crate::test_render::render(&modules, 3.0, 12.0);
        let mut by_rows = image.clone();
        let mut by_pixels = PreparedImage {
            buffer: PerPixel(image.buffer.clone()),
            cache: RegionCache::new(),
        };
        let a = crate::capstones_from_image(&mut by_rows);
        let b = crate::capstones_from_image(&mut by_pixels);
        let points = |caps: &[crate::CapStone]| -> Vec<_> {
            caps.iter().map(|c| (c.corners, c.center)).collect()
        };
        assert_eq!(a.len(), 3);
        assert_eq!(points(&a), points(&b));
        assert_eq!(by_rows.buffer.pixels, by_pixels.buffer.0.pixels);
    }

    #[test]
    fn test_flood_fill_full() {
        let mut test_full = img_from_array([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);

        test_full.flood_fill(0, 0, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                assert_eq!(test_full.get_pixel_at(x, y), 2);
            }
        }
    }

    #[test]
    fn test_flood_fill_single() {
        let mut test_single = img_from_array([[1, 0, 1], [0, 1, 0], [1, 0, 1]]);

        test_single.flood_fill(1, 1, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && y == 1 {
                    assert_eq!(test_single.get_pixel_at(x, y), 2);
                } else {
                    let col = if (x + y) % 2 == 0 { 1 } else { 0 };
                    assert_eq!(test_single.get_pixel_at(x, y), col);
                }
            }
        }
    }

    #[test]
    fn test_flood_fill_ring() {
        let mut test_ring = img_from_array([[1, 1, 1], [1, 0, 1], [1, 1, 1]]);

        test_ring.flood_fill(0, 0, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && y == 1 {
                    assert_eq!(test_ring.get_pixel_at(x, y), 0);
                } else {
                    assert_eq!(test_ring.get_pixel_at(x, y), 2);
                }
            }
        }
    }

    #[test]
    fn test_flood_fill_u() {
        let mut test_u = img_from_array([[1, 0, 1], [1, 0, 1], [1, 1, 1]]);

        test_u.flood_fill(0, 0, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && (y == 0 || y == 1) {
                    assert_eq!(test_u.get_pixel_at(x, y), 0);
                } else {
                    assert_eq!(test_u.get_pixel_at(x, y), 2);
                }
            }
        }
    }

    #[test]
    fn test_flood_fill_empty() {
        let mut test_empty = img_from_array([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);

        test_empty.flood_fill(1, 1, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                assert_eq!(test_empty.get_pixel_at(x, y), 0)
            }
        }
    }

    #[test]
    fn test_get_region() {
        let mut test_u = img_from_array([[1, 0, 1], [1, 0, 1], [1, 1, 1]]);

        let reg = test_u.get_region((0, 0));
        let (color, src_x, src_y, pixel_count) = match reg {
            ColoredRegion::Unclaimed {
                color,
                src_x,
                src_y,
                pixel_count,
            } => (color, src_x, src_y, pixel_count),
            x => panic!("Expected Region::Unclaimed, got {:?}", x),
        };
        assert_eq!(0, src_x);
        assert_eq!(0, src_y);
        assert_eq!(7, pixel_count);
        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && (y == 0 || y == 1) {
                    assert_eq!(PixelColor::White, test_u.get_pixel_at(x, y));
                } else {
                    assert_eq!(color, test_u.get_pixel_at(x, y));
                }
            }
        }
    }

    /// A finder-like pattern (here a fourth capstone painted where a logo
    /// would be) next to a tilted code: the group it forms with two real
    /// capstones is found first, looks like a code, but does not decode; the
    /// real group must still be found.
    #[test]
    fn a_false_capstone_does_not_claim_a_real_one() {
        let text = "FALSE CAPSTONE NEXT TO A REAL ONE";
        let code = crate::test_render::code(text, 4, qrcode::EcLevel::H);
        let n = 33;
        // A capstone pattern (7×7) in the lower right, near the alignment pattern.
        let modules = crate::test_render::modules(&code, |x, y| {
            let (cx, cy) = (x - (n - 11), y - (n - 11));
            if !(0..7).contains(&cx) || !(0..7).contains(&cy) {
                return None;
            }
            let ring = cx.min(cy).min(6 - cx).min(6 - cy);
            Some(ring != 1)
        });
        for degrees in [-8.0, -3.0, 0.0, 3.0, 8.0] {
            let mut img = crate::test_render::render(&modules, 5.0, degrees);
            assert_eq!(
                crate::test_render::decoded_texts(&mut img),
                [text],
                "rotated {degrees}°"
            );
        }
    }
}
