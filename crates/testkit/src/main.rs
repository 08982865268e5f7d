//! `vaora-testkit`: makes fake camera clips (Y4M, for Chromium's
//! `--use-file-for-fake-video-capture`) and photos of QR codes for the
//! end-to-end tests, and reads codes back from screenshots with the widget's own
//! decoder. Run without arguments for usage.

mod args;
mod clip;
mod decode;
mod degrade;
mod noise;
mod photo;
mod raster;
mod scene;
mod y4m;

use std::process::ExitCode;

use args::{Command, USAGE};

fn main() -> ExitCode {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(err) => {
            eprintln!("error: {err}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Clip(opts) => clip::write_code_clip(&opts),
        Command::Blank(opts) => clip::write_blank_clip(&opts),
        Command::Photo(opts) => photo::write_photo(&opts),
        Command::Frame(opts) => scene::write_frame(&opts),
        Command::Decode(file) => decode::print_codes(&file),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
