//! Printable A4 posters: one SVG layout (the venue's name, ward and address, bilingual
//! instructions, the QR with its symbol 156 mm wide — the spec asks ≥ 15 cm —, the short code
//! and the issue date), served as SVG, or converted into PDF pages by [`crate::pdf`] (one venue,
//! or one page per venue for a bulk print), its text in the DejaVu fonts compiled in.

use qrcode::{Color, EcLevel, QrCode};

use crate::local_day::{LocalDay, DAY_MS, VIETNAM_OFFSET_MS};
use crate::pdf::{self, escape, PdfError, PAGE_MM};
use crate::store::VenueRow;

/// Side of the QR symbol (its modules, without the quiet zone), in mm.
pub const QR_SIDE_MM: f64 = 156.0;

/// What a poster shows besides the venue row.
pub struct Poster<'a> {
    pub venue: &'a VenueRow,
    /// The venue's signed poster URL, which the QR encodes.
    pub url: &'a str,
    /// The ward (or other unit) by name, or its code when the unit is not known.
    pub ward: &'a str,
    pub address: Option<&'a str>,
    /// When the venue was registered (unix ms): the poster's issue date.
    pub issued_at: i64,
}

/// Why a poster could not be made.
#[derive(Debug)]
pub enum PosterError {
    Qr(qrcode::types::QrError),
    Pdf(PdfError),
}

impl std::fmt::Display for PosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Qr(err) => write!(f, "QR: {err}"),
            Self::Pdf(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for PosterError {}

/// Renders the poster as an A4 SVG (mm user units). Its text uses the generic families
/// `sans-serif` and `monospace` only; [`pdf::fonts`] maps them to DejaVu for the PDF.
pub fn render(poster: &Poster<'_>) -> Result<String, PosterError> {
    let code = QrCode::with_error_correction_level(poster.url.as_bytes(), EcLevel::M)
        .map_err(PosterError::Qr)?;
    let width = code.width();
    let mut path = String::new();
    for (index, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (index % width, index / width);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    // The quiet zone (4 modules) is left blank around the symbol; text stays out of it.
    let quiet = 4.0 * QR_SIDE_MM / width as f64;
    let qr_top = 46.0 + quiet;
    let qr_left = (PAGE_MM.0 - QR_SIDE_MM) / 2.0;
    let below = qr_top + QR_SIDE_MM + quiet;
    let name_size = fitted_size(&poster.venue.name, "bold", 10.0);
    let name = escape(&poster.venue.name);
    let ward_size = fitted_size(poster.ward, "normal", 5.0);
    let ward = escape(poster.ward);
    let address = poster.address.map_or(String::new(), |address| {
        format!(
            "\n<text x=\"105\" y=\"31\" font-family=\"sans-serif\" font-size=\"{:.2}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            fitted_size(address, "normal", 4.5),
            escape(address)
        )
    });
    let short = escape(&poster.venue.short_code.display());
    let issued = issue_date(poster.issued_at);
    let unit = escape(&poster.venue.unit_code);
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">
<rect width="210" height="297" fill="#fff"/>
<text x="105" y="18" font-family="sans-serif" font-size="{name_size:.2}" font-weight="bold" text-anchor="middle">{name}</text>
<text x="105" y="25" font-family="sans-serif" font-size="{ward_size:.2}" text-anchor="middle" fill="#333">{ward}</text>{address}
<text x="105" y="38" font-family="sans-serif" font-size="5.5" text-anchor="middle">Quét mã bằng camera điện thoại để khai báo và check-in</text>
<text x="105" y="44" font-family="sans-serif" font-size="4.5" text-anchor="middle" fill="#333">Scan with your phone camera to declare and check in</text>
<svg x="{qr_left:.3}" y="{qr_top:.3}" width="{QR_SIDE_MM}" height="{QR_SIDE_MM}" viewBox="0 0 {width} {width}" shape-rendering="crispEdges"><path id="qr" d="{path}" fill="#000"/></svg>
<text x="105" y="{cant:.3}" font-family="sans-serif" font-size="5" text-anchor="middle">Không quét được? Nhập mã / Can't scan? Enter the code:</text>
<text x="105" y="{code:.3}" font-family="monospace" font-size="14" font-weight="bold" text-anchor="middle">{short}</text>
<text x="105" y="{date:.3}" font-family="sans-serif" font-size="4.5" text-anchor="middle" fill="#333">Ngày cấp / Issued: {issued}</text>
<text x="105" y="291" font-family="sans-serif" font-size="4" text-anchor="middle" fill="#555">Vaora · {unit}</text>
</svg>
"##,
        cant = below + 6.0,
        code = below + 19.0,
        date = below + 27.0,
    ))
}

/// Widest a line of text may be, in mm (the page less 10 mm margins).
const LINE_MM: f32 = 190.0;

/// `size`, or smaller so that `text` fits on one line of the poster.
fn fitted_size(text: &str, weight: &str, size: f32) -> f32 {
    pdf::fitted_size(text, weight, size, LINE_MM)
}

/// The date of `unix_ms` in Vietnam as `dd/mm/yyyy`.
pub fn issue_date(unix_ms: i64) -> String {
    LocalDay::of(unix_ms).dmy()
}

/// The date and time of `unix_ms` in Vietnam as `dd/mm/yyyy HH:MM`.
pub fn local_date_time(unix_ms: i64) -> String {
    let minutes = (unix_ms + VIETNAM_OFFSET_MS).rem_euclid(DAY_MS) / 60_000;
    format!(
        "{} {:02}:{:02}",
        issue_date(unix_ms),
        minutes / 60,
        minutes % 60
    )
}

/// One PDF with an A4 page per poster SVG, in order ([`pdf::a4_pages`]).
pub fn pdf(svgs: &[String]) -> Result<Vec<u8>, PosterError> {
    pdf::a4_pages(svgs).map_err(PosterError::Pdf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_protocol::short_code::ShortCode;

    fn venue(name: &str) -> VenueRow {
        VenueRow {
            id: 7,
            short_code: ShortCode::from_random([1, 2, 3, 4, 5]),
            name: name.into(),
            unit_code: "00004".into(),
            venue_code: "CODE".into(),
            revoked_at: None,
            kind: vaora_protocol::api::VenueKind::Market,
            address: String::new(),
            contact: String::new(),
        }
    }

    #[test]
    fn issue_dates_are_vietnam_calendar_days() {
        // 2026-11-23 16:59 UTC is 23:59 in Hà Nội; a minute later it is the 24th there.
        assert_eq!(issue_date(1_795_453_140_000), "23/11/2026");
        assert_eq!(issue_date(1_795_453_200_000), "24/11/2026");
        assert_eq!(issue_date(0), "01/01/1970");
        // A leap day.
        assert_eq!(issue_date(1_709_164_800_000), "29/02/2024");
    }

    #[test]
    fn the_poster_shows_ward_address_and_issue_date_with_text_escaped() {
        let venue = venue("Cà phê <Tô> & \"Bạn\"");
        let svg = render(&Poster {
            venue: &venue,
            url: "https://vaora.example/c#ABC",
            ward: "Phường Bến Nghé",
            address: Some("12 Lê Lợi 'A'"),
            issued_at: 1_795_453_140_000,
        })
        .expect("poster");
        assert!(
            svg.contains("Cà phê &lt;Tô&gt; &amp; &quot;Bạn&quot;"),
            "{svg}"
        );
        assert!(svg.contains(">Phường Bến Nghé<"));
        assert!(svg.contains(">12 Lê Lợi &apos;A&apos;<"));
        assert!(svg.contains("Ngày cấp / Issued: 23/11/2026"));
        let vi = svg.find("Quét mã").expect("Vietnamese");
        let en = svg.find("Scan with").expect("English");
        assert!(vi < en, "Vietnamese first");
        pdf::tree(&svg).expect("parses");
    }

    #[test]
    fn without_an_address_no_line_is_left_for_it() {
        let venue = venue("Chợ");
        let svg = render(&Poster {
            venue: &venue,
            url: "https://vaora.example/c#ABC",
            ward: "00004",
            address: None,
            issued_at: 0,
        })
        .expect("poster");
        assert_eq!(svg.matches("<text").count(), 8);
    }

    #[test]
    fn long_names_shrink_to_fit_the_page() {
        assert_eq!(fitted_size("Chợ Mỹ Đức", "bold", 10.0), 10.0);
        let long =
            "Nhà văn hoá thôn Đồng Tâm và trung tâm học tập cộng đồng xã Đồng Tâm, huyện Mỹ Đức";
        let size = fitted_size(long, "bold", 10.0);
        assert!(size < 5.0 && size > 2.0, "{size}");
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="100"><text x="0" y="50" font-family="sans-serif" font-size="{size}" font-weight="bold">{long}</text></svg>"#
        );
        let width = pdf::tree(&svg)
            .expect("tree")
            .root()
            .abs_bounding_box()
            .width();
        assert!(width <= LINE_MM + 0.5, "{width}");
    }
}
