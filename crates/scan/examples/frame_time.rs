//! Native per-frame timing of the camera path (`decode_frame`), for profiling:
//! `cargo run --release -p vaora-scan --example frame_time -- [--runs N] FRAME.png...`
//! (e.g. the frames `cargo xtask bench-browser` renders under `target/bench-browser`).
//! Prints, per file, the median ms of `N` decodes with consecutive frame numbers and how many
//! returned a code. Run it under `perf record` to see where the time goes.

use std::time::Instant;

use vaora_scan::{decode_frame, LumaImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let mut runs = 30_usize;
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().ok_or("--runs needs a number")?.parse()?;
        } else {
            paths.push(arg);
        }
    }
    let mut all = Vec::new();
    for path in &paths {
        let rgba = image::open(path)?.to_rgba8();
        let (width, height) = (rgba.width() as usize, rgba.height() as usize);
        let mut times = Vec::with_capacity(runs);
        let mut reads = 0;
        for frame in 0..runs {
            let start = Instant::now();
            // The timing includes RGBA -> luma, as the worker does it per frame.
            let image = LumaImage::from_rgba(width, height, rgba.as_raw())?;
            let found = decode_frame(&image, frame as u32);
            times.push(start.elapsed().as_secs_f64() * 1e3);
            reads += usize::from(!found.is_empty());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        all.push(median);
        println!("{path}: median {median:.2} ms, read {reads}/{runs}");
    }
    all.sort_by(f64::total_cmp);
    if let Some(median) = all.get(all.len() / 2) {
        println!("median of the files' medians: {median:.2} ms");
    }
    Ok(())
}
