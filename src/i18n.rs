//! The one translation layer: every user-visible string is a [`Msg`], rendered per [`Lang`].
//! Vietnamese is the default; English is switchable and remembered on the device.

/// Languages the widget speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// BCP 47 tag, for `lang` attributes and date formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switch.
    pub fn autonym(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
        }
    }

    /// Parses a tag such as `vi`, `en`, `en-GB`; unknown tags give `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("vi") => Some(Lang::Vi),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }
}

/// The messages of the first screens (header, home, scan) and those shared with later ones.
/// Texts only the screens loaded later need are [`Later`], so they stay out of the first-scan
/// download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppTitle,
    Tagline,
    LanguageLabel,
    CameraExplainer,
    ScanButton,
    StopButton,
    ScanningHint,
    CameraStarting,
    PhotoButton,
    ShortCodeLabel,
    ShortCodeHint,
    ShortCodeButton,
    OtherWays,
    ErrPermissionDenied,
    ErrNoCamera,
    ErrCameraBusy,
    ErrInsecureContext,
    ErrCameraUnsupported,
    ErrCameraOther,
    RetryCamera,
    FeedbackToggle,
    DecoderRestarted,
    ScanFoundVenue,
    ScanNotVaora,
    ForeignCodeSays,
    ForeignCodeNotText,
    ErrNetwork,
    ErrServer,
    MyVisits,
    MineLabel,
    MyQrButton,
}

mod later;
mod staff;
pub use later::{problem, venue_code_error, Later};
pub use staff::{personal_code_error, Staff};

/// A message that has a Vietnamese and an English text.
pub trait Translate: Copy {
    /// `(vi, en)`.
    fn texts(self) -> (&'static str, &'static str);
}

/// A text already looked up, `(vi, en)`: lets code mix messages of both tables.
pub type Said = (&'static str, &'static str);

impl Translate for Said {
    fn texts(self) -> Said {
        self
    }
}

impl Translate for Msg {
    fn texts(self) -> (&'static str, &'static str) {
        texts(self)
    }
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: impl Translate) -> &'static str {
    let (vi, en) = msg.texts();
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

fn texts(msg: Msg) -> (&'static str, &'static str) {
    use Msg::*;
    match msg {
        AppTitle => ("Vaora — Khai báo & check-in", "Vaora — Declare & check in"),
        Tagline => ("Quét mã QR của địa điểm để khai báo y tế và check-in.", "Scan the venue's QR code to declare your health and check in."),
        LanguageLabel => ("Ngôn ngữ", "Language"),
        CameraExplainer => ("Camera chỉ dùng để đọc mã QR của địa điểm; không có hình ảnh nào được lưu hay gửi đi.", "The camera is used only to read the venue's QR code; no image is stored or sent."),
        ScanButton => ("Quét mã QR", "Scan QR code"),
        StopButton => ("Dừng quét", "Stop scanning"),
        ScanningHint => ("Đưa mã QR vào giữa khung hình.", "Hold the QR code inside the frame."),
        CameraStarting => ("Đang mở camera…", "Starting the camera…"),
        PhotoButton => ("Quét từ ảnh", "Scan from a photo"),
        ShortCodeLabel => ("Mã địa điểm (in dưới mã QR)", "Venue code (printed under the QR)"),
        ShortCodeHint => ("Ví dụ: K7Q2-M9XD", "For example: K7Q2-M9XD"),
        ShortCodeButton => ("Tìm địa điểm", "Find venue"),
        OtherWays => ("Cách khác", "Other ways"),
        ErrPermissionDenied => ("Bạn chưa cho phép dùng camera. Hãy cho phép trong cài đặt trình duyệt, hoặc quét từ ảnh / nhập mã bên dưới.", "Camera access was not allowed. Allow it in your browser settings, or scan from a photo / type the code below."),
        ErrNoCamera => ("Không tìm thấy camera trên thiết bị này. Hãy quét từ ảnh hoặc nhập mã.", "No camera was found on this device. Scan from a photo or type the code."),
        ErrCameraBusy => ("Camera đang được ứng dụng khác sử dụng. Hãy đóng ứng dụng đó rồi thử lại.", "The camera is in use by another app. Close it and try again."),
        ErrInsecureContext => ("Trình duyệt chỉ cho dùng camera trên trang bảo mật (https). Hãy quét từ ảnh hoặc nhập mã.", "Browsers allow the camera only on secure (https) pages. Scan from a photo or type the code."),
        ErrCameraUnsupported => ("Trình duyệt này không hỗ trợ camera. Hãy quét từ ảnh hoặc nhập mã.", "This browser does not support the camera. Scan from a photo or type the code."),
        ErrCameraOther => ("Không mở được camera. Hãy thử lại, quét từ ảnh hoặc nhập mã.", "The camera could not be started. Try again, scan from a photo or type the code."),
        RetryCamera => ("Thử lại camera", "Try the camera again"),
        FeedbackToggle => ("Âm báo và rung khi đọc được mã", "Beep and vibrate when a code is read"),
        DecoderRestarted => ("Bộ đọc mã gặp lỗi và đã được khởi động lại.", "The code reader failed and was restarted."),
        ScanFoundVenue => ("Đã đọc được mã địa điểm.", "Venue code read."),
        ScanNotVaora => ("Đây không phải mã địa điểm Vaora.", "This is not a Vaora venue code."),
        ForeignCodeSays => ("Nội dung mã:", "The code says:"),
        ForeignCodeNotText => ("Mã này chứa dữ liệu, không phải văn bản.", "This code holds data, not text."),
        ErrNetwork => ("Không có kết nối mạng. Hãy thử lại khi có mạng.", "No network connection. Try again when you are online."),
        ErrServer => ("Máy chủ gặp lỗi. Hãy thử lại sau.", "The server had a problem. Try again later."),
        MyVisits => ("Lượt ghé của tôi", "My visits"),
        MineLabel => ("Dữ liệu của tôi", "My data"),
        MyQrButton => ("Mã QR của tôi", "My QR code"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_and_round_trip() {
        assert_eq!(Lang::from_tag("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
        for lang in [Lang::Vi, Lang::En] {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }
}
