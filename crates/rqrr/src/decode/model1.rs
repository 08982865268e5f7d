//! QR Code Model 1, the original QR Code (ISO/IEC 18004:2000 Annex M), long superseded by
//! Model 2 but still found on old prints. Detection is the same (finder patterns, timing
//! patterns, sizes 21–73 for versions 1–14; no alignment patterns); what differs is read here:
//! the format information's mask, the codeword placement and the error correction blocks.
//! The data bit stream is Model 2's after four leading zero bits.

use super::{
    correct_block, format_copies, mask_bit, read_format_masked, CorrectedDataStream, MetaData,
    MAX_PAYLOAD_SIZE,
};
use crate::version_db::RSParameters;
use crate::{BitGrid, DeQRError, DeQRResult};

/// The XOR mask of Model 1 format information (Model 2 uses 0x5412).
const FORMAT_MASK: u16 = 0x2825;

/// The largest Model 1 version.
const MAX_VERSION: usize = 14;

/// Error correction per version (index 0 = version 1) and level, in the order of the
/// format information's level bits (M, L, H, Q): (blocks, error correction codewords per
/// block, data codewords per block), ISO/IEC 18004:2000 Table M.2 as zxing-cpp has it.
/// Every block of a Model 1 level has the same size.
const BLOCKS: [[(usize, usize, usize); 4]; MAX_VERSION] = [
    [(1, 10, 16), (1, 7, 19), (1, 17, 9), (1, 13, 13)],
    [(1, 16, 30), (1, 10, 36), (1, 30, 16), (1, 22, 24)],
    [(1, 28, 44), (1, 15, 57), (1, 48, 24), (1, 36, 36)],
    [(1, 40, 60), (1, 20, 80), (1, 66, 34), (1, 50, 50)],
    [(1, 52, 82), (1, 26, 108), (2, 44, 23), (1, 66, 68)],
    [(2, 32, 53), (1, 34, 136), (2, 56, 29), (2, 42, 43)],
    [(2, 40, 66), (1, 42, 170), (3, 46, 24), (2, 52, 54)],
    [(2, 48, 80), (2, 24, 104), (3, 56, 29), (2, 64, 64)],
    [(2, 60, 93), (2, 30, 123), (3, 68, 34), (3, 50, 52)],
    [(2, 68, 111), (2, 34, 145), (4, 58, 31), (3, 58, 61)],
    [(4, 40, 64), (2, 40, 168), (5, 54, 29), (4, 52, 52)],
    [(4, 46, 73), (2, 46, 192), (5, 62, 33), (4, 58, 61)],
    [(4, 52, 83), (3, 36, 144), (6, 58, 32), (4, 66, 69)],
    [(4, 60, 92), (3, 40, 163), (6, 66, 35), (5, 60, 62)],
];

/// The format and the error-corrected bit stream of a Model 1 symbol, positioned after
/// the four zero bits Model 1 streams start with.
pub(super) fn corrected_stream(code: &dyn BitGrid) -> DeQRResult<(MetaData, CorrectedDataStream)> {
    let meta = read_format_masked(code, FORMAT_MASK)?;
    // Any 15 bits are within three errors of some format word more often than not, so every
    // grid that is no code would pass the correction and cost a codeword read and error
    // correction here. Model 1 is rare: one copy must read exactly or with one error.
    let expected = format_word(meta.ecc_level << 3 | meta.mask) ^ FORMAT_MASK;
    if format_copies(code)
        .iter()
        .all(|copy| (copy ^ expected).count_ones() > 1)
    {
        return Err(DeQRError::FormatEcc);
    }
    let Some(levels) = meta.version.0.checked_sub(1).and_then(|i| BLOCKS.get(i)) else {
        return Err(DeQRError::InvalidVersion);
    };
    let (blocks, ecc, data) = levels[usize::from(meta.ecc_level & 3)];
    let mut codewords = codewords(code, meta.mask);
    if codewords.len() < blocks * (ecc + data) {
        return Err(DeQRError::InvalidVersion);
    }
    // The top four bits of the first codeword are not part of the data, whatever the modules
    // there show (zxing-cpp: "ignore corner"); they are zero in the encoded stream.
    codewords[0] &= 0x0f;
    // Unlike Model 2, blocks are not interleaved: the data codewords of each block in turn,
    // then the error correction codewords of each block in turn.
    let mut stream = CorrectedDataStream {
        data: [0; MAX_PAYLOAD_SIZE],
        ptr: 0,
        bit_len: blocks * data * 8,
    };
    let params = RSParameters {
        bs: ecc + data,
        dw: data,
        ns: blocks,
    };
    let mut block = Vec::with_capacity(ecc + data);
    for i in 0..blocks {
        block.clear();
        block.extend_from_slice(&codewords[i * data..(i + 1) * data]);
        let ecc_start = blocks * data + i * ecc;
        block.extend_from_slice(&codewords[ecc_start..ecc_start + ecc]);
        correct_block(&mut block, &params)?;
        stream.data[i * data..(i + 1) * data].copy_from_slice(&block[..data]);
    }
    stream.take_bits_checked(4)?;
    Ok((meta, stream))
}

/// The 15-bit BCH codeword of 5 bits of format data (before masking).
fn format_word(data: u16) -> u16 {
    let mut word = data << 10;
    for bit in (10..15).rev() {
        if word >> bit & 1 == 1 {
            // x^10 + x^8 + x^5 + x^4 + x^2 + x + 1
            word ^= 0x537 << (bit - 10);
        }
    }
    data << 10 | word
}

/// Reads the codewords in Model 1 order, mask removed (see [`codeword_modules`]).
fn codewords(code: &dyn BitGrid, mask: u16) -> Vec<u8> {
    codeword_modules(code.size())
        .iter()
        .map(|modules| {
            modules.iter().fold(0_u8, |byte, &(row, col)| {
                let bit = code.bit(row, col) != mask_bit(mask, row, col);
                (byte << 1) | u8::from(bit)
            })
        })
        .collect()
}

/// The modules (row, column) of each codeword of a Model 1 symbol of `size` modules, in
/// codeword order, most significant bit first. Unlike Model 2's two-module-wide zigzag, each
/// codeword is a block of 8 modules: 2 wide × 4 tall in the two column pairs at the right
/// edge and in the strip left of the timing column, 4 wide × 2 tall everywhere else, read
/// right to left and bottom to top. Blocks run up the symbol column by column from the right,
/// skipping the finder patterns with their separators and format information, the timing
/// patterns, and the extension patterns Model 1 places along the right and bottom edges.
fn codeword_modules(size: usize) -> Vec<[(usize, usize); 8]> {
    let mut out = Vec::new();
    // The block whose bottom-right module is (x, y), `width` modules wide.
    let mut block = |x: usize, y: usize, width: usize| {
        out.push(std::array::from_fn(|b| (y - b / width, x - b % width)));
    };
    let columns = size / 4 + 3;
    for j in 0..columns {
        if j <= 1 {
            // Right edge: 2 × 4 blocks below the top-right finder; the extension pattern
            // takes every second block of the outer column except the first and last.
            let rows = (size - 8) / 4;
            for i in 0..rows {
                if j == 0 && i % 2 == 0 && i > 0 && i < rows - 1 {
                    continue;
                }
                block(size - 1 - 2 * j, size - 1 - 4 * i, 2);
            }
        } else if columns - j <= 4 {
            // Left of the timing column, between the top-left and bottom-left finders.
            let rows = (size - 16) / 4;
            let x = (columns - j - 1) * 2 + 1 + usize::from(columns - j == 4);
            for i in 0..rows {
                block(x, size - 9 - 4 * i, 2);
            }
        } else {
            // 4 × 2 blocks, the timing row skipped; the first such column stops below the
            // top-right finder, and the bottom edge's extension pattern takes the lowest block
            // of every second column.
            let rows = size / 2;
            for i in 0..rows {
                if j == 2 && i >= rows - 4 {
                    continue;
                }
                if i == 0 && j % 2 == 1 && j + 1 != columns - 4 {
                    continue;
                }
                let y = size - 1 - 2 * i - usize::from(i >= rows - 3);
                block(size - 5 - (j - 2) * 4, y, 4);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Grid, SimpleGrid};

    /// A Model 1 symbol holding `text` in one byte segment, as rows of modules (`true` =
    /// dark): finder and timing patterns, format information, data and error correction.
    /// Extension patterns are left out (nothing reads them).
    fn symbol(text: &[u8], version: usize, level: u16, mask: u16) -> Vec<Vec<bool>> {
        let size = 17 + 4 * version;
        let (blocks, ecc, data) = BLOCKS[version - 1][level as usize];
        let mut bits = Vec::new();
        let mut push = |value: usize, n: usize| bits.extend((0..n).rev().map(|i| value >> i & 1));
        // Model 1's four zero bits, byte mode, 8-bit count, the bytes, terminator.
        push(0, 4);
        push(0b0100, 4);
        push(text.len(), 8);
        text.iter().for_each(|&b| push(usize::from(b), 8));
        push(0, 4);
        let mut stream: Vec<u8> = bits
            .chunks(8)
            .map(|byte| byte.iter().fold(0, |acc, &b| acc << 1 | b as u8) << (8 - byte.len()))
            .collect();
        assert!(stream.len() <= blocks * data, "text fits");
        let pad = [0xec, 0x11];
        for i in 0..blocks * data - stream.len() {
            stream.push(pad[i % 2]);
        }
        // Not interleaved: each block's data in turn, then each block's error correction.
        let mut codewords = stream.clone();
        for block in stream.chunks(data) {
            codewords.extend(crate::decode::tests::rs_encode(block, ecc));
        }

        let mut grid = vec![vec![false; size]; size];
        for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            for r in 0..7 {
                for c in 0..7 {
                    // Rings: dark edge, light ring, dark 3 × 3 centre.
                    grid[top + r][left + c] = r.min(c).min(6 - r).min(6 - c) != 1;
                }
            }
        }
        for i in 8..size - 8 {
            grid[6][i] = i % 2 == 0;
            grid[i][6] = i % 2 == 0;
        }
        let format = format_word(level << 3 | mask) ^ FORMAT_MASK;
        const XS: [usize; 15] = [8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 4, 3, 2, 1, 0];
        const YS: [usize; 15] = [0, 1, 2, 3, 4, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8];
        for i in 0..15 {
            let bit = format >> i & 1 == 1;
            grid[YS[i]][XS[i]] = bit;
            if i >= 8 {
                grid[size - 1 - (14 - i)][8] = bit;
            } else {
                grid[8][size - 1 - i] = bit;
            }
        }
        for (modules, byte) in codeword_modules(size).iter().zip(&codewords) {
            for (b, &(row, col)) in modules.iter().enumerate() {
                grid[row][col] = (byte >> (7 - b) & 1 == 1) != mask_bit(mask, row, col);
            }
        }
        grid
    }

    fn grid_of(modules: &[Vec<bool>]) -> Grid<SimpleGrid> {
        Grid::new(SimpleGrid::from_func(modules.len(), |x, y| modules[y][x]))
    }

    #[test]
    fn model1_symbols_decode_at_every_level() {
        let text = b"QR Code Model 1, 1994";
        // Levels in format order M, L, H, Q; version 5 H has two blocks.
        for (version, level, mask) in [(2, 0, 5), (2, 1, 0), (3, 3, 2), (5, 2, 7), (9, 2, 3)] {
            let grid = grid_of(&symbol(text, version, level, mask));
            let (meta, decoded) = grid.decode().expect("decodes");
            assert_eq!(decoded.as_bytes(), text, "version {version} level {level}");
            assert_eq!(
                (meta.version.0, meta.ecc_level, meta.mask),
                (version, level, mask)
            );
            // Model 2 format information does not read: upstream stopped here.
            assert!(matches!(grid.get_raw_data(), Err(DeQRError::FormatEcc)));
        }
    }

    #[test]
    fn format_words_are_the_bch_codewords() {
        // ISO/IEC 18004 Annex C: data 00101 gives 001010011011100 before masking.
        assert_eq!(format_word(0b00101), 0b001010011011100);
        // Every word unmasks to itself through the format correction.
        for data in 0..32 {
            assert_eq!(
                crate::decode::correct_format(format_word(data)),
                Ok(format_word(data))
            );
        }
    }

    #[test]
    fn a_format_read_with_one_error_is_trusted_with_two_not() {
        let text = b"almost";
        let modules = symbol(text, 2, 1, 4);
        let flipped = |at: &[(usize, usize)]| {
            let mut modules = modules.clone();
            for &(row, col) in at {
                modules[row][col] = !modules[row][col];
            }
            grid_of(&modules).decode()
        };
        // One error in each copy (first copy at row 8, second at column 8).
        let (_, decoded) = flipped(&[(8, 0), (24, 8)]).expect("decodes");
        assert_eq!(decoded.as_bytes(), text);
        // Two in each: BCH would correct them, but that is no evidence of Model 1.
        assert!(flipped(&[(8, 0), (8, 1), (24, 8), (23, 8)]).is_err());
    }

    #[test]
    fn errors_in_each_block_are_corrected() {
        // Version 5 level H: two blocks of 23 data and 44 error correction codewords.
        let text = b"two blocks, each corrected on its own";
        let mut modules = symbol(text, 5, 2, 7);
        // Flip one whole codeword in each block's data and one in its error correction.
        let blocks = codeword_modules(modules.len());
        for index in [3, 23 + 4, 46 + 10, 46 + 44 + 10] {
            for &(row, col) in &blocks[index] {
                modules[row][col] = !modules[row][col];
            }
        }
        let (_, decoded) = grid_of(&modules).decode().expect("decodes");
        assert_eq!(decoded.as_bytes(), text);
    }

    #[test]
    fn a_rendered_model1_code_is_found_and_read() {
        let text = b"MODEL 1 FROM A PHOTO";
        let modules = symbol(text, 4, 0, 6);
        let mut img = crate::test_render::render(&modules, 4.0, 8.0);
        assert_eq!(
            crate::test_render::decoded_texts(&mut img),
            [String::from_utf8_lossy(text)]
        );
    }

    /// A blank grid of `size` modules.
    struct Blank(usize);

    impl BitGrid for Blank {
        fn size(&self) -> usize {
            self.0
        }
        fn bit(&self, _y: usize, _x: usize) -> bool {
            false
        }
    }

    #[test]
    fn codeword_count_matches_every_level_of_every_version() {
        for (index, levels) in BLOCKS.iter().enumerate() {
            let version = index + 1;
            let total = codewords(&Blank(17 + 4 * version), 0).len();
            // Version 1 holds 26 codewords, version 2 46 (ISO/IEC 18004:2000 Table M.1).
            match version {
                1 => assert_eq!(total, 26),
                2 => assert_eq!(total, 46),
                _ => {}
            }
            for &(blocks, ecc, data) in levels {
                let used = blocks * (ecc + data);
                assert!(
                    used <= total && total - used <= 4,
                    "version {version}: {used} codewords in blocks, {total} in the symbol"
                );
            }
        }
    }

    #[test]
    fn every_module_is_read_at_most_once() {
        use std::cell::RefCell;
        struct Counting(usize, RefCell<Vec<u8>>);
        impl BitGrid for Counting {
            fn size(&self) -> usize {
                self.0
            }
            fn bit(&self, y: usize, x: usize) -> bool {
                self.1.borrow_mut()[y * self.0 + x] += 1;
                false
            }
        }
        for version in 1..=MAX_VERSION {
            let size = 17 + 4 * version;
            let grid = Counting(size, RefCell::new(vec![0; size * size]));
            codewords(&grid, 0);
            let reads = grid.1.borrow();
            assert!(reads.iter().all(|&n| n <= 1), "version {version}");
            // The finder patterns, timing patterns and format information are never read.
            for (y, x) in [
                (0, 0),
                (8, 8),
                (6, 10),
                (10, 6),
                (0, size - 1),
                (size - 1, 0),
            ] {
                assert_eq!(reads[y * size + x], 0, "version {version} ({y}, {x})");
            }
        }
    }
}
