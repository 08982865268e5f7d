//! `vaora-bench-data --db FILE`: fills a new SQLite database for `cargo xtask bench-reports`
//! through the `Storage` API, so every derived table (the person index included) is filled as in
//! production: a generated unit tree of the national shape (63 provinces, 693 districts, 10,395
//! wards), 200,000 venues with signed codes registered over the last year, and 1,000,000
//! check-ins over the 14 days ending now, by a population of 300,000 people declaring an ID
//! number, a phone or both (a tenth give neither). Writes are kept in flight together so the
//! store's group commit batches them. Prints, as JSON, the units and day to report on and a few
//! people with visits (for timing a trace).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use serde_json::json;
use tokio::task::JoinSet;
use vaora_protocol::api::{Unit, VenueKind};
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::Answer;
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::VenueClaims;
use vaora_server::app::now_ms;
use vaora_server::local_day::{LocalDay, DAY_MS};
use vaora_server::store::{self, NewCheckIn, StoreError, VenueRow};
use vaora_server::{keys, seed};

#[derive(Parser)]
struct Options {
    /// The SQLite file to create (must not exist).
    #[arg(long)]
    db: PathBuf,
    #[arg(long, default_value_t = 200_000)]
    venues: u64,
    #[arg(long, default_value_t = 1_000_000)]
    checkins: u64,
    #[arg(long, default_value_t = 300_000)]
    people: u64,
}

const PROVINCES: u64 = 63;
const DISTRICTS_PER_PROVINCE: u64 = 11;
const WARDS_PER_DISTRICT: u64 = 15;
/// Writes in flight at once: enough for the writer to commit them in large batches.
const IN_FLIGHT: usize = 4_096;
/// Every `EMPTY_WARD_EVERY`th ward has no venue; venues whose hash falls below
/// `SILENT_PERCENT` never see a check-in.
const EMPTY_WARD_EVERY: u64 = 41;
const SILENT_PERCENT: u64 = 25;

/// A deterministic mix (SplitMix64), so the database is the same on every run.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn units() -> Vec<Unit> {
    let mut units = Vec::new();
    for p in 0..PROVINCES {
        let province = format!("{:02}", p + 1);
        units.push(Unit {
            code: province.clone(),
            name: format!("Tỉnh {}", p + 1),
            kind: "tỉnh".into(),
            parent: None,
        });
        for d in 0..DISTRICTS_PER_PROVINCE {
            let district_index = p * DISTRICTS_PER_PROVINCE + d;
            let district = format!("{:03}", district_index + 1);
            units.push(Unit {
                code: district.clone(),
                name: format!("Huyện {}", district_index + 1),
                kind: "huyện".into(),
                parent: Some(province.clone()),
            });
            for w in 0..WARDS_PER_DISTRICT {
                let ward_index = district_index * WARDS_PER_DISTRICT + w;
                units.push(Unit {
                    code: format!("{:05}", ward_index + 1),
                    name: format!("Xã {}", ward_index + 1),
                    kind: "xã".into(),
                    parent: Some(district.clone()),
                });
            }
        }
    }
    units
}

/// A person's declaration: ID number, phone or both by their number; the tenth of check-ins
/// without a person give neither.
fn declaration(person: Option<u64>) -> Declaration {
    let mut answers = vec![
        ("full_name", Answer::Text("Nguyễn Văn An".into())),
        ("consent", Answer::Bool(true)),
    ];
    if let Some(p) = person {
        if p % 10 < 7 {
            answers.push(("id_number", Answer::Text(id_number(p))));
        }
        if p % 10 >= 3 {
            answers.push(("phone", Answer::Text(phone(p))));
        }
    }
    Declaration {
        form_version: 1,
        answers: answers
            .into_iter()
            .map(|(id, answer)| (id.to_owned(), answer))
            .collect(),
    }
}

/// A 12-digit citizen ID number.
fn id_number(person: u64) -> String {
    format!("001{person:09}")
}

fn phone(person: u64) -> String {
    format!("091{person:07}")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::parse();
    if options.db.exists() {
        return Err(format!("{} exists: give a new file", options.db.display()).into());
    }
    let started = std::time::Instant::now();
    let store = store::open(options.db.to_str().ok_or("the path must be UTF-8")?).await?;
    let signer = Arc::new(keys::load_or_create(&keys::key_path_for(&options.db))?);
    let units = units();
    let wards: Vec<String> = units
        .iter()
        .filter(|u| u.kind == "xã")
        .map(|u| u.code.clone())
        .collect();
    store.replace_units(units.clone()).await?;

    let now = now_ms();
    let today = LocalDay::of(now);
    // Venues: spread over the wards with codes, registered over the past year (all before the
    // trend's 14 days but a few hundred inside it).
    let mut registering = JoinSet::new();
    let mut venues: Vec<Option<(VenueRow, i64, bool)>> = vec![None; options.venues as usize];
    for i in 0..options.venues {
        let h = mix(i);
        let mut ward = (h % wards.len() as u64) as usize;
        if (ward as u64 + 1) % EMPTY_WARD_EVERY == 0 {
            ward = (ward + 1) % wards.len();
        }
        let registered = if h % 1000 == 0 {
            now - (h >> 20) as i64 % (14 * DAY_MS)
        } else {
            now - 15 * DAY_MS - (h >> 20) as i64 % (350 * DAY_MS)
        };
        let active = h % 100 >= SILENT_PERCENT;
        let unit_code = wards[ward].clone();
        let (store, signer) = (store.clone(), signer.clone());
        // Id, signature and insert in one task, so that id allocations batch like the inserts.
        registering.spawn(async move {
            let id = store.allocate_venue_id().await?;
            let name = format!("Điểm {}", i + 1);
            let claims = VenueClaims {
                venue_id: id,
                unit_code: unit_code.clone(),
                name: name.clone(),
                key_id: signer.key_id(),
                issued_at: (registered / 1000) as u64,
                valid_days: seed::DEFAULT_VALID_DAYS,
            };
            let venue_code = signer
                .sign(&claims)
                .map_err(|err| StoreError::Corrupt(err.to_string()))?;
            // Unique by construction (the index in the first four bytes).
            let index = (i as u32).to_be_bytes();
            let venue = VenueRow {
                id,
                short_code: ShortCode::from_random([
                    index[0], index[1], index[2], index[3], h as u8,
                ]),
                name,
                unit_code,
                venue_code,
                revoked_at: None,
                kind: VenueKind::Shop,
                address: format!("{} Đường Số {}", i % 300 + 1, i % 97 + 1),
                contact: phone(i),
            };
            store.insert_venue(venue.clone(), registered).await?;
            Ok::<_, StoreError>((i as usize, (venue, registered, active)))
        });
        while registering.len() >= IN_FLIGHT {
            if let Some(done) = registering.join_next().await {
                let (index, venue) = done??;
                venues[index] = Some(venue);
            }
        }
    }
    while let Some(done) = registering.join_next().await {
        let (index, venue) = done??;
        venues[index] = Some(venue);
    }
    let venues: Vec<(VenueRow, i64, bool)> = venues.into_iter().flatten().collect();
    let mut jobs = JoinSet::new();
    eprintln!(
        "{} units, {} venues in {:.0?}",
        units.len(),
        venues.len(),
        started.elapsed()
    );

    // Check-ins at the venues that are not silent, each after the venue's registration.
    let active: Vec<&(VenueRow, i64, bool)> = venues.iter().filter(|v| v.2).collect();
    let window_start = today.minus(13).start();
    let mut people_with_visits = Vec::new();
    for i in 0..options.checkins {
        let h = mix(i ^ 0x00c0_ffee);
        let (venue, registered, _) = active[(h % active.len() as u64) as usize];
        let from = window_start.max(*registered);
        let at = from + ((h >> 24) as i64 % (now - from).max(1));
        let person = ((h >> 8) % 10 != 0).then(|| mix(h) % options.people);
        if let Some(p) = person {
            if people_with_visits.len() < 20 && i % 997 == 0 {
                people_with_visits.push(if p % 10 < 7 { id_number(p) } else { phone(p) });
            }
        }
        let checkin = NewCheckIn {
            id: uuid::Uuid::from_u64_pair(mix(i), h),
            venue: venue.clone(),
            declaration: declaration(person),
            client_time: None,
            received_at: at,
        };
        let store = store.clone();
        jobs.spawn(async move { store.insert_checkin(checkin).await.map(drop) });
        if jobs.len() >= IN_FLIGHT {
            drain(&mut jobs, IN_FLIGHT / 2).await?;
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!("{} check-ins in {:.0?}", i + 1, started.elapsed());
        }
    }
    drain(&mut jobs, 0).await?;

    // The daily report of the first active venue's ward, its district and its province.
    let ward = &active[0].0.unit_code;
    let unit = |code: &str| units.iter().find(|u| u.code == code).cloned();
    let district = unit(ward)
        .and_then(|u| u.parent)
        .ok_or("ward without district")?;
    let province = unit(&district)
        .and_then(|u| u.parent)
        .ok_or("district without province")?;
    println!(
        "{}",
        json!({
            "day": today.iso(),
            // The check-ins end here: a 14-day trace ending now covers them.
            "generated_at": now,
            "ward": ward,
            "district": district,
            "province": province,
            "people": people_with_visits,
            "checkins": store.checkin_count().await?,
        })
    );
    eprintln!("done in {:.0?}", started.elapsed());
    Ok(())
}

/// Waits until at most `keep` writes are in flight; the first failure stops the run.
async fn drain<E: std::error::Error + Send + Sync + 'static>(
    jobs: &mut JoinSet<Result<(), E>>,
    keep: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    while jobs.len() > keep {
        if let Some(done) = jobs.join_next().await {
            done??;
        }
    }
    Ok(())
}
