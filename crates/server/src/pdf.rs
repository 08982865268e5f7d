//! A4 documents drawn as SVG (mm user units) and converted into PDF pages by `svg2pdf`: the
//! posters and the printed reports. Text is set only in the DejaVu fonts compiled into the
//! binary, never the system's, and embedded (subset) in the file, so it prints the same
//! everywhere and Vietnamese diacritics always render.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
use svg2pdf::usvg::{self, fontdb};

/// A4 in mm.
pub const PAGE_MM: (f64, f64) = (210.0, 297.0);
/// PDF points per mm.
const PT_PER_MM: f64 = 72.0 / 25.4;

/// Why an SVG page could not become PDF.
#[derive(Debug)]
pub enum PdfError {
    Svg(usvg::Error),
    Convert(svg2pdf::ConversionError),
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Svg(err) => write!(f, "SVG: {err}"),
            Self::Convert(err) => write!(f, "PDF: {err}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// `text` escaped for SVG text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// `size`, or smaller so that `text` set in DejaVu Sans (`weight`) fits in `width_mm` on one
/// line: long names shrink instead of running out of their space.
pub fn fitted_size(text: &str, weight: &str, size: f32, width_mm: f32) -> f32 {
    let probe = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="100"><text x="0" y="50" font-family="sans-serif" font-size="{size}" font-weight="{weight}">{}</text></svg>"#,
        escape(text)
    );
    let width = tree(&probe)
        .ok()
        .map(|tree| tree.root().abs_bounding_box().width())
        .unwrap_or(0.0);
    if width > width_mm {
        size * width_mm / width
    } else {
        size
    }
}

/// The only fonts documents are set in: DejaVu Sans (regular, bold) and Sans Mono (regular,
/// bold), compiled in; `sans-serif` and `monospace` name them. No system font is ever loaded.
pub fn fonts() -> Arc<fontdb::Database> {
    static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
        let mut db = fontdb::Database::new();
        for data in [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans_mono::regular(),
            dejavu::sans_mono::bold(),
        ] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        }
        db.set_sans_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans Mono");
        Arc::new(db)
    });
    FONTS.clone()
}

/// Parses an SVG with [`fonts`] (text is laid out here, so the PDF and any raster rendering
/// agree).
pub fn tree(svg: &str) -> Result<usvg::Tree, PdfError> {
    let options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(PdfError::Svg)
}

/// One PDF with an A4 page per SVG, in order. Each page is the SVG converted by `svg2pdf` into
/// a form XObject, scaled to the page; fonts are subset and embedded.
pub fn a4_pages(svgs: &[String]) -> Result<Vec<u8>, PdfError> {
    let (width, height) = (PAGE_MM.0 * PT_PER_MM, PAGE_MM.1 * PT_PER_MM);
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let pages = alloc.bump();
    let mut pdf = Pdf::new();
    let mut page_refs = Vec::with_capacity(svgs.len());
    let page_name = Name(b"Page");
    for svg in svgs {
        let tree = tree(svg)?;
        let (chunk, xobject) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
            .map_err(PdfError::Convert)?;
        let mut renumbered = HashMap::new();
        let chunk = chunk.renumber(|old| *renumbered.entry(old).or_insert_with(|| alloc.bump()));
        let xobject = renumbered
            .get(&xobject)
            .copied()
            .ok_or(PdfError::Convert(svg2pdf::ConversionError::UnknownError))?;
        let page = alloc.bump();
        let content = alloc.bump();
        page_refs.push(page);
        let mut writer = pdf.page(page);
        writer.media_box(Rect::new(0.0, 0.0, width as f32, height as f32));
        writer.parent(pages);
        writer.contents(content);
        writer.resources().x_objects().pair(page_name, xobject);
        writer.finish();
        let mut stream = Content::new();
        // The XObject is 1 × 1 pt, like an image: scale it to the page.
        stream
            .transform([width as f32, 0.0, 0.0, height as f32, 0.0, 0.0])
            .x_object(page_name);
        pdf.stream(content, &stream.finish());
        pdf.extend(&chunk);
    }
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages)
        .count(page_refs.len() as i32)
        .kids(page_refs);
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dejavu_is_loaded() {
        let fonts = fonts();
        assert_eq!(fonts.len(), 4);
        assert!(fonts.faces().all(|face| face
            .families
            .iter()
            .any(|(name, _)| name.starts_with("DejaVu"))));
    }
}
