//! A printable A4 poster as SVG: the venue's QR at 160 mm (the spec asks ≥ 15 cm), its name,
//! short code and bilingual instructions.

use qrcode::{Color, EcLevel, QrCode};

use crate::store::VenueRow;

/// Renders the poster for `url` (the venue's signed poster URL).
pub fn render(venue: &VenueRow, url: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)?;
    let width = code.width();
    let quiet = 4;
    let modules = width + 2 * quiet;
    let mut path = String::new();
    for (index, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (index % width + quiet, index / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let name = escape(&venue.name);
    let short = venue.short_code.display();
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">
<rect width="210" height="297" fill="#fff"/>
<text x="105" y="24" font-family="sans-serif" font-size="10" font-weight="bold" text-anchor="middle">{name}</text>
<text x="105" y="36" font-family="sans-serif" font-size="6" text-anchor="middle">Quét mã bằng camera điện thoại để khai báo và check-in</text>
<text x="105" y="44" font-family="sans-serif" font-size="5" text-anchor="middle" fill="#333">Scan with your phone camera to declare and check in</text>
<svg x="25" y="52" width="160" height="160" viewBox="0 0 {modules} {modules}" shape-rendering="crispEdges"><path d="{path}" fill="#000"/></svg>
<text x="105" y="228" font-family="sans-serif" font-size="6" text-anchor="middle">Không quét được? Nhập mã / Can't scan? Enter the code:</text>
<text x="105" y="244" font-family="monospace" font-size="14" font-weight="bold" text-anchor="middle">{short}</text>
<text x="105" y="285" font-family="sans-serif" font-size="4" text-anchor="middle" fill="#555">Vaora · {unit}</text>
</svg>
"##,
        unit = escape(&venue.unit_code),
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
