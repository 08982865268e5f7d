//! The official list of Vietnam's administrative units after the July 2025 reform (34 provinces,
//! 3,321 communes), as CSV for `vaora-server --units`. Taken from the PyPI package
//! `vietnam-provinces` (which packages the statistics office's codes), fetched with pip into
//! the target dir when first needed, never committed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{build, tools};

/// The package version whose data is the post-reform list.
const PACKAGE: &str = "vietnam-provinces==2025.10.1";

/// `target/units/vn-2025.csv`, made on first use.
pub fn official_csv(root: &Path) -> Result<PathBuf> {
    let dir = build::target_dir(root).join("units");
    let csv = dir.join("vn-2025.csv");
    if csv.exists() {
        return Ok(csv);
    }
    std::fs::create_dir_all(&dir)?;
    eprintln!("xtask: fetching the official unit list ({PACKAGE}, PyPI)");
    let wheels = dir.join("wheel");
    let wheels_arg = wheels.to_string_lossy().into_owned();
    tools::run(
        root,
        "python3",
        &[
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--dest",
            &wheels_arg,
            PACKAGE,
        ],
    )
    .context("fetching vietnam-provinces from PyPI (python3 with pip is needed)")?;
    let json = dir.join("nested-divisions.json");
    let json_arg = json.to_string_lossy().into_owned();
    // A wheel is a zip: Python's zipfile reads it without another tool.
    let extract = "import sys, zipfile, glob
wheel = glob.glob(sys.argv[1] + '/vietnam_provinces-*.whl')[0]
with zipfile.ZipFile(wheel) as z:
    open(sys.argv[2], 'wb').write(z.read('vietnam_provinces/data/nested-divisions.json'))";
    tools::run(root, "python3", &["-c", extract, &wheels_arg, &json_arg])?;
    let text = to_csv(&std::fs::read_to_string(&json)?)?;
    std::fs::write(&csv, text)?;
    Ok(csv)
}

/// The package's nested JSON (provinces with their wards) as `code,name,type,parent` rows, codes
/// zero-padded as the statistics office writes them (2 digits for provinces, 5 for communes).
fn to_csv(json: &str) -> Result<String> {
    let provinces: Vec<Value> = serde_json::from_str(json).context("nested-divisions.json")?;
    let mut out = String::from("code,name,type,parent\n");
    let mut communes = 0;
    for province in &provinces {
        let code = format!("{:02}", number(&province["code"])?);
        row(
            &mut out,
            &code,
            &province["name"],
            &province["division_type"],
            "",
        )?;
        for ward in province["wards"].as_array().context("wards")? {
            let ward_code = format!("{:05}", number(&ward["code"])?);
            row(
                &mut out,
                &ward_code,
                &ward["name"],
                &ward["division_type"],
                &code,
            )?;
            communes += 1;
        }
    }
    if provinces.len() != 34 || communes != 3_321 {
        bail!(
            "expected 34 provinces and 3,321 communes, the package has {} and {communes}",
            provinces.len()
        );
    }
    Ok(out)
}

fn number(value: &Value) -> Result<u64> {
    value.as_u64().context("a unit code is not a number")
}

fn row(out: &mut String, code: &str, name: &Value, kind: &Value, parent: &str) -> Result<()> {
    let name = name.as_str().context("name")?;
    let kind = kind.as_str().context("division_type")?;
    out.push_str(&format!(
        "{code},{},{},{parent}\n",
        quoted(name),
        quoted(kind)
    ));
    Ok(())
}

/// CSV quoting where needed.
fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
