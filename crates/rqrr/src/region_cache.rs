//! The regions found so far, by the colour they were repainted with. When every colour is in
//! use, the least recently used region is evicted (and repainted black). This is what the `lru`
//! crate did here, in the same order, as a fixed 256-slot list: colours are `u8`s, so no hash
//! map is needed, and the decoder's wasm carries neither a hash map nor its hasher seeding.

use crate::prepare::ColoredRegion;

/// Colours used for regions (the others mark capstones, alignment patterns and scratch).
pub(crate) const REGION_COLOURS: usize = 251;

const SLOTS: usize = 256;
/// No slot: the end of the list.
const END: u16 = u16::MAX;

/// Regions by colour, in order of use.
#[derive(Clone)]
pub(crate) struct RegionCache {
    regions: [Option<ColoredRegion>; SLOTS],
    /// Links of the list, from the most recently used to the least.
    older: [u16; SLOTS],
    newer: [u16; SLOTS],
    newest: u16,
    oldest: u16,
    len: usize,
}

impl RegionCache {
    pub(crate) fn new() -> Self {
        Self {
            regions: [None; SLOTS],
            older: [END; SLOTS],
            newer: [END; SLOTS],
            newest: END,
            oldest: END,
            len: 0,
        }
    }

    /// How many regions it holds at most.
    pub(crate) fn cap(&self) -> usize {
        REGION_COLOURS
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The region of `colour`, now the most recently used.
    pub(crate) fn get(&mut self, colour: u8) -> Option<ColoredRegion> {
        let region = self.regions[usize::from(colour)]?;
        self.unlink(colour);
        self.push_newest(colour);
        Some(region)
    }

    /// Stores the region of `colour` (replacing any), as the most recently used.
    pub(crate) fn put(&mut self, colour: u8, region: ColoredRegion) {
        let slot = &mut self.regions[usize::from(colour)];
        if slot.replace(region).is_some() {
            self.unlink(colour);
        } else {
            self.len += 1;
        }
        self.push_newest(colour);
    }

    /// Removes and returns the least recently used region.
    pub(crate) fn pop_lru(&mut self) -> Option<(u8, ColoredRegion)> {
        let colour = u8::try_from(self.oldest).ok()?;
        self.unlink(colour);
        self.len -= 1;
        let region = self.regions[usize::from(colour)].take()?;
        Some((colour, region))
    }

    fn unlink(&mut self, colour: u8) {
        let at = usize::from(colour);
        let (older, newer) = (self.older[at], self.newer[at]);
        match older {
            END => self.oldest = newer,
            older => self.newer[usize::from(older)] = newer,
        }
        match newer {
            END => self.newest = older,
            newer => self.older[usize::from(newer)] = older,
        }
        self.older[at] = END;
        self.newer[at] = END;
    }

    fn push_newest(&mut self, colour: u8) {
        let at = usize::from(colour);
        self.older[at] = self.newest;
        self.newer[at] = END;
        match self.newest {
            END => self.oldest = u16::from(colour),
            newest => self.newer[usize::from(newest)] = u16::from(colour),
        }
        self.newest = u16::from(colour);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::PixelColor;
    use std::num::NonZeroUsize;

    fn region(n: usize) -> ColoredRegion {
        ColoredRegion::Unclaimed {
            color: PixelColor::Black,
            src_x: n,
            src_y: 0,
            pixel_count: n,
        }
    }

    #[test]
    fn the_least_recently_used_region_goes_first() {
        let mut cache = RegionCache::new();
        cache.put(1, region(1));
        cache.put(2, region(2));
        cache.put(3, region(3));
        assert_eq!(cache.get(1), Some(region(1)));
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.pop_lru(), Some((2, region(2))));
        assert_eq!(cache.pop_lru(), Some((3, region(3))));
        assert_eq!(cache.pop_lru(), Some((1, region(1))));
        assert_eq!(cache.pop_lru(), None);
        assert_eq!(cache.get(1), None);
        assert_eq!(cache.len(), 0);
    }

    /// The same operations on this cache and on the `lru` crate's, as `get_region` uses them
    /// (fill up to capacity, then evict the oldest before each new region), give the same
    /// answers throughout.
    #[test]
    fn it_evicts_in_the_same_order_as_the_lru_crate() {
        let mut ours = RegionCache::new();
        let mut theirs = lru::LruCache::new(NonZeroUsize::new(REGION_COLOURS).unwrap());
        let mut seed = 0x2545_f491_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for n in 0..200_000 {
            let roll = next();
            if roll % 3 == 0 && ours.len() > 0 {
                let colour = (next() % ours.len() as u32) as u8;
                assert_eq!(ours.get(colour), theirs.get(&colour).copied(), "get {n}");
            } else {
                let colour = if ours.len() == ours.cap() {
                    let evicted = ours.pop_lru();
                    assert_eq!(evicted, theirs.pop_lru(), "pop {n}");
                    evicted.map(|(colour, _)| colour).unwrap()
                } else {
                    ours.len() as u8
                };
                ours.put(colour, region(n));
                theirs.put(colour, region(n));
            }
            assert_eq!(ours.len(), theirs.len());
        }
    }
}
