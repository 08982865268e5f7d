//! YUV4MPEG2 writer: the uncompressed format Chromium's fake camera plays (and loops).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Streams grayscale frames as a 4:2:0 Y4M clip with neutral chroma.
pub struct Y4mWriter<W: Write> {
    out: W,
    luma_len: usize,
    /// U and V planes: constant mid-grey, so the clip stays colourless.
    chroma: Vec<u8>,
}

impl Y4mWriter<BufWriter<File>> {
    /// Creates the file and writes the stream header.
    pub fn create(path: &Path, width: usize, height: usize, fps: usize) -> io::Result<Self> {
        Self::new(BufWriter::new(File::create(path)?), width, height, fps)
    }
}

impl<W: Write> Y4mWriter<W> {
    /// Writes the stream header; width and height must be even (4:2:0 chroma).
    pub fn new(mut out: W, width: usize, height: usize, fps: usize) -> io::Result<Self> {
        writeln!(
            out,
            "YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg"
        )?;
        Ok(Self {
            out,
            luma_len: width * height,
            chroma: vec![128; (width / 2) * (height / 2)],
        })
    }

    /// Appends one frame given its Y plane.
    pub fn write_frame(&mut self, luma: &[u8]) -> io::Result<()> {
        if luma.len() != self.luma_len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "frame size does not match the clip header",
            ));
        }
        self.out.write_all(b"FRAME\n")?;
        self.out.write_all(luma)?;
        self.out.write_all(&self.chroma)?;
        self.out.write_all(&self.chroma)
    }

    /// Flushes and hands back the sink, so write errors are not lost on drop.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::Y4mWriter;

    #[test]
    fn header_and_frames_have_exact_sizes() {
        let mut clip = Y4mWriter::new(Vec::new(), 4, 2, 30).expect("header");
        clip.write_frame(&[1; 8]).expect("frame");
        clip.write_frame(&[2; 8]).expect("frame");
        let bytes = clip.finish().expect("flush");

        let header = b"YUV4MPEG2 W4 H2 F30:1 Ip A1:1 C420jpeg\n";
        assert_eq!(&bytes[..header.len()], header);
        let frame_len = b"FRAME\n".len() + 8 + 2 * 2;
        assert_eq!(bytes.len(), header.len() + 2 * frame_len);
        let first = &bytes[header.len()..header.len() + frame_len];
        assert_eq!(&first[..6], b"FRAME\n");
        assert_eq!(&first[6..14], &[1; 8]);
        assert_eq!(&first[14..], &[128; 4]);
    }

    #[test]
    fn wrong_frame_size_is_rejected() {
        let mut clip = Y4mWriter::new(Vec::new(), 4, 2, 30).expect("header");
        assert!(clip.write_frame(&[0; 7]).is_err());
    }
}
