//! The one translation layer: every user-visible string is a [`Msg`], rendered per [`Lang`].
//! Vietnamese is the default; English is switchable and remembered on the device.

use vaora_protocol::declaration::Problem;
use vaora_protocol::venue_code::VenueCodeError;

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

/// Every message the UI shows.
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
    PhotoDecoding,
    PhotoNoCode,
    PhotoUnreadable,
    ShortCodeLabel,
    ShortCodeHint,
    ShortCodeButton,
    ShortCodeInvalid,
    ShortCodeUnknown,
    OtherWays,
    ErrPermissionDenied,
    ErrNoCamera,
    ErrCameraBusy,
    ErrInsecureContext,
    ErrCameraUnsupported,
    ErrCameraOther,
    RetryCamera,
    Torch,
    Zoom,
    CameraLens,
    FeedbackToggle,
    DecoderRestarted,
    CrashReportText,
    CrashReportSave,
    CrashReportDismiss,
    ScanFoundVenue,
    ScanNotVaora,
    ForeignCodeSays,
    ForeignCodeNotText,
    VenueGenuine,
    VenueNotGenuine,
    VenueUnit,
    ContinueToDeclare,
    ScanAgain,
    CodeNotVaora,
    CodeUnsupportedVersion,
    CodeDamaged,
    CodeUnknownKey,
    CodeBadSignature,
    CodeExpired,
    CodeNotYetValid,
    DeclareTitle,
    FormLoading,
    RetryButton,
    UnitProvince,
    UnitWard,
    UnitChoose,
    UnitCode,
    Yes,
    No,
    SubmitCheckIn,
    Submitting,
    FixErrors,
    ProblemRequired,
    ProblemTooShort,
    ProblemTooLong,
    ProblemInvalidCharacters,
    ProblemInvalidPhone,
    ProblemOutOfRange,
    ProblemConsentRequired,
    ProblemInvalidFormat,
    ProblemUnknownChoice,
    ProblemWrongType,
    ProblemUnknownQuestion,
    ErrNetwork,
    ErrServerRejectedCode,
    ErrServerUnknownVenue,
    ErrServer,
    DoneTitle,
    DoneVenue,
    DoneTime,
    DoneId,
    DoneAgain,
    MyQrButton,
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    let (vi, en) = texts(msg);
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
        PhotoDecoding => ("Đang đọc ảnh…", "Reading the photo…"),
        PhotoNoCode => ("Không tìm thấy mã QR trong ảnh. Hãy chụp lại gần hơn và rõ hơn.", "No QR code found in the photo. Try again closer and sharper."),
        PhotoUnreadable => ("Không mở được ảnh này. Hãy chọn ảnh JPEG hoặc PNG.", "This image cannot be opened. Choose a JPEG or PNG photo."),
        ShortCodeLabel => ("Mã địa điểm (in dưới mã QR)", "Venue code (printed under the QR)"),
        ShortCodeHint => ("Ví dụ: K7Q2-M9XD", "For example: K7Q2-M9XD"),
        ShortCodeButton => ("Tìm địa điểm", "Find venue"),
        ShortCodeInvalid => ("Mã gồm 8 chữ và số, ví dụ K7Q2-M9XD.", "The code has 8 letters and digits, e.g. K7Q2-M9XD."),
        ShortCodeUnknown => ("Không có địa điểm nào với mã này.", "No venue has this code."),
        OtherWays => ("Cách khác", "Other ways"),
        ErrPermissionDenied => ("Bạn chưa cho phép dùng camera. Hãy cho phép trong cài đặt trình duyệt, hoặc quét từ ảnh / nhập mã bên dưới.", "Camera access was not allowed. Allow it in your browser settings, or scan from a photo / type the code below."),
        ErrNoCamera => ("Không tìm thấy camera trên thiết bị này. Hãy quét từ ảnh hoặc nhập mã.", "No camera was found on this device. Scan from a photo or type the code."),
        ErrCameraBusy => ("Camera đang được ứng dụng khác sử dụng. Hãy đóng ứng dụng đó rồi thử lại.", "The camera is in use by another app. Close it and try again."),
        ErrInsecureContext => ("Trình duyệt chỉ cho dùng camera trên trang bảo mật (https). Hãy quét từ ảnh hoặc nhập mã.", "Browsers allow the camera only on secure (https) pages. Scan from a photo or type the code."),
        ErrCameraUnsupported => ("Trình duyệt này không hỗ trợ camera. Hãy quét từ ảnh hoặc nhập mã.", "This browser does not support the camera. Scan from a photo or type the code."),
        ErrCameraOther => ("Không mở được camera. Hãy thử lại, quét từ ảnh hoặc nhập mã.", "The camera could not be started. Try again, scan from a photo or type the code."),
        RetryCamera => ("Thử lại camera", "Try the camera again"),
        Torch => ("Đèn", "Torch"),
        Zoom => ("Thu phóng", "Zoom"),
        CameraLens => ("Camera", "Camera"),
        FeedbackToggle => ("Âm báo và rung khi đọc được mã", "Beep and vibrate when a code is read"),
        DecoderRestarted => ("Bộ đọc mã gặp lỗi và đã được khởi động lại.", "The code reader failed and was restarted."),
        CrashReportText => (
            "Bạn có thể lưu lại ảnh đã làm bộ đọc mã gặp lỗi để gửi kèm khi báo lỗi. Ảnh chỉ được lưu trên máy của bạn, không được gửi đi đâu.",
            "You can save the image the code reader failed on, to attach to a bug report. It is only saved on your device, never sent.",
        ),
        CrashReportSave => ("Lưu ảnh", "Save the image"),
        CrashReportDismiss => ("Bỏ qua", "Dismiss"),
        ScanFoundVenue => ("Đã đọc được mã địa điểm.", "Venue code read."),
        ScanNotVaora => ("Đây không phải mã địa điểm Vaora.", "This is not a Vaora venue code."),
        ForeignCodeSays => ("Nội dung mã:", "The code says:"),
        ForeignCodeNotText => ("Mã này chứa dữ liệu, không phải văn bản.", "This code holds data, not text."),
        VenueGenuine => ("Mã chính thức — chữ ký hợp lệ", "Genuine code — signature verified"),
        VenueNotGenuine => ("Mã KHÔNG hợp lệ — không check-in được", "NOT a genuine code — cannot check in"),
        VenueUnit => ("Đơn vị hành chính", "Administrative unit"),
        ContinueToDeclare => ("Khai báo và check-in", "Declare and check in"),
        ScanAgain => ("Quét mã khác", "Scan another code"),
        CodeNotVaora => ("Mã này không phải mã địa điểm Vaora.", "This code is not a Vaora venue code."),
        CodeUnsupportedVersion => ("Mã dùng phiên bản mới hơn ứng dụng này. Hãy tải lại trang.", "The code uses a newer version than this app. Reload the page."),
        CodeDamaged => ("Mã bị hỏng hoặc không đầy đủ.", "The code is damaged or incomplete."),
        CodeUnknownKey => ("Mã được ký bởi một cơ quan không được tin cậy.", "The code was signed by an authority that is not trusted."),
        CodeBadSignature => ("Chữ ký không khớp: mã có thể bị làm giả hoặc sửa đổi.", "The signature does not match: the code may be forged or altered."),
        CodeExpired => ("Mã đã hết hạn. Hãy báo địa điểm in mã mới.", "The code has expired. Ask the venue to print a new one."),
        CodeNotYetValid => ("Mã chưa có hiệu lực. Hãy kiểm tra ngày giờ trên điện thoại.", "The code is not valid yet. Check your phone's date and time."),
        DeclareTitle => ("Tờ khai y tế", "Health declaration"),
        FormLoading => ("Đang tải mẫu khai báo…", "Loading the declaration form…"),
        RetryButton => ("Thử lại", "Try again"),
        UnitProvince => ("Tỉnh / thành phố", "Province / city"),
        UnitWard => ("Phường / xã", "Ward / commune"),
        UnitChoose => ("— Chọn —", "— Choose —"),
        UnitCode => ("Mã đơn vị hành chính", "Administrative unit code"),
        Yes => ("Có", "Yes"),
        No => ("Không", "No"),
        SubmitCheckIn => ("Gửi khai báo và check-in", "Submit and check in"),
        Submitting => ("Đang gửi…", "Sending…"),
        FixErrors => ("Hãy sửa các mục được đánh dấu.", "Please fix the highlighted fields."),
        ProblemRequired => ("Mục này là bắt buộc.", "This field is required."),
        ProblemTooShort => ("Quá ngắn.", "Too short."),
        ProblemTooLong => ("Quá dài.", "Too long."),
        ProblemInvalidCharacters => ("Chỉ dùng chữ cái, dấu cách, dấu gạch nối và dấu nháy.", "Use letters, spaces, hyphens and apostrophes only."),
        ProblemInvalidPhone => ("Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0 hoặc +84.", "A phone number has 10–11 digits and starts with 0 or +84."),
        ProblemOutOfRange => ("Năm sinh không hợp lệ.", "This year of birth is not valid."),
        ProblemConsentRequired => ("Bạn cần đồng ý để check-in.", "You need to agree in order to check in."),
        ProblemInvalidFormat => ("Sai định dạng. Hãy kiểm tra lại số đã nhập.", "Not in the right format. Check the number you typed."),
        ProblemUnknownChoice => ("Hãy chọn một trong các lựa chọn có sẵn.", "Pick one of the options given."),
        ProblemWrongType => ("Câu trả lời không đúng dạng (ví dụ: năm phải là số).", "This answer does not fit the question (e.g. a year must be a number)."),
        ProblemUnknownQuestion => ("Mẫu khai báo đã thay đổi. Hãy tải lại trang.", "The declaration form has changed. Reload the page."),
        ErrNetwork => ("Không có kết nối mạng. Hãy thử lại khi có mạng.", "No network connection. Try again when you are online."),
        ErrServerRejectedCode => ("Máy chủ không chấp nhận mã địa điểm này.", "The server did not accept this venue code."),
        ErrServerUnknownVenue => ("Địa điểm này chưa được đăng ký trên máy chủ.", "This venue is not registered on the server."),
        ErrServer => ("Máy chủ gặp lỗi. Hãy thử lại sau.", "The server had a problem. Try again later."),
        DoneTitle => ("Check-in thành công", "Checked in"),
        DoneVenue => ("Địa điểm", "Venue"),
        DoneTime => ("Thời gian", "Time"),
        DoneId => ("Mã check-in", "Check-in ID"),
        DoneAgain => ("Check-in địa điểm khác", "Check in somewhere else"),
        MyQrButton => ("Mã QR của tôi", "My QR code"),
    }
}

/// Texts only the pages loaded in chunks use (so far My QR). Apart from [`Msg`] because the
/// shell renders any `Msg` ([`crate::shell::dom::Texts`]), which links every `Msg` string into
/// the first-scan main module; these are linked only into the chunks that show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageMsg {
    MyQrTitle,
    MyQrMissing,
    MyQrName,
    MyQrIdNumber,
    MyQrBirthDate,
    MyQrDay,
    MyQrMonth,
    MyQrYear,
    MyQrShow,
    MyQrBadDate,
    MyQrCodeLabel,
    MyQrBrightness,
    MyQrEdit,
    MyQrBack,
}

fn page_texts(msg: PageMsg) -> (&'static str, &'static str) {
    use PageMsg::*;
    match msg {
        MyQrTitle => ("Mã QR cá nhân", "Personal QR code"),
        MyQrMissing => (
            "Bổ sung thông tin còn thiếu để tạo mã. Thông tin chỉ ở trên máy này.",
            "Add what is missing to make your code. It stays on this device.",
        ),
        MyQrName => ("Họ và tên", "Full name"),
        MyQrIdNumber => ("Số CCCD / CMND / hộ chiếu", "ID card or passport number"),
        MyQrBirthDate => ("Ngày sinh", "Date of birth"),
        MyQrDay => ("Ngày", "Day"),
        MyQrMonth => ("Tháng", "Month"),
        MyQrYear => ("Năm", "Year"),
        MyQrShow => ("Tạo mã QR", "Show my QR code"),
        MyQrBadDate => (
            "Ngày này không có thật. Hãy kiểm tra lại.",
            "This date does not exist. Check it again.",
        ),
        MyQrCodeLabel => (
            "Mã QR cá nhân theo chuẩn quốc gia, để nhân viên quét",
            "Personal QR code in the national format, for staff to scan",
        ),
        MyQrBrightness => (
            "Hãy tăng độ sáng màn hình để nhân viên quét dễ hơn.",
            "Turn up your screen brightness so staff can scan it easily.",
        ),
        MyQrEdit => ("Sửa thông tin", "Edit details"),
        MyQrBack => ("Về trang đầu", "Back to start"),
    }
}

/// A text the widget shows, in every language it speaks.
pub trait Text: Copy + Send + Sync + 'static {
    /// The text in `lang`.
    fn text(self, lang: Lang) -> &'static str;
}

impl Text for Msg {
    fn text(self, lang: Lang) -> &'static str {
        t(lang, self)
    }
}

impl Text for PageMsg {
    fn text(self, lang: Lang) -> &'static str {
        let (vi, en) = page_texts(self);
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// Why a venue code was refused, in words for people.
pub fn venue_code_error(err: VenueCodeError) -> Msg {
    match err {
        VenueCodeError::NotVaoraCode => Msg::CodeNotVaora,
        VenueCodeError::UnsupportedVersion(_) => Msg::CodeUnsupportedVersion,
        VenueCodeError::Truncated | VenueCodeError::Oversized | VenueCodeError::Malformed => {
            Msg::CodeDamaged
        }
        VenueCodeError::UnknownKey => Msg::CodeUnknownKey,
        VenueCodeError::BadSignature => Msg::CodeBadSignature,
        VenueCodeError::Expired => Msg::CodeExpired,
        VenueCodeError::NotYetValid => Msg::CodeNotYetValid,
    }
}

/// A declaration problem, in words for people.
pub fn problem(problem: Problem) -> Msg {
    match problem {
        Problem::Required => Msg::ProblemRequired,
        Problem::TooShort => Msg::ProblemTooShort,
        Problem::TooLong => Msg::ProblemTooLong,
        Problem::InvalidCharacters => Msg::ProblemInvalidCharacters,
        Problem::InvalidPhone => Msg::ProblemInvalidPhone,
        Problem::OutOfRange => Msg::ProblemOutOfRange,
        Problem::ConsentRequired => Msg::ProblemConsentRequired,
        Problem::InvalidFormat => Msg::ProblemInvalidFormat,
        Problem::UnknownChoice => Msg::ProblemUnknownChoice,
        Problem::WrongType => Msg::ProblemWrongType,
        Problem::UnknownQuestion => Msg::ProblemUnknownQuestion,
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

    #[test]
    fn every_page_text_is_translated() {
        use PageMsg::*;
        for msg in [
            MyQrTitle,
            MyQrMissing,
            MyQrName,
            MyQrIdNumber,
            MyQrBirthDate,
            MyQrDay,
            MyQrMonth,
            MyQrYear,
            MyQrShow,
            MyQrBadDate,
            MyQrCodeLabel,
            MyQrBrightness,
            MyQrEdit,
            MyQrBack,
        ] {
            let (vi, en) = (msg.text(Lang::Vi), msg.text(Lang::En));
            assert!(!vi.is_empty() && !en.is_empty(), "{msg:?}");
            assert_ne!(vi, en, "{msg:?}");
        }
    }

    #[test]
    fn every_venue_code_error_has_distinct_wording_per_language() {
        let errors = [
            VenueCodeError::NotVaoraCode,
            VenueCodeError::UnsupportedVersion(9),
            VenueCodeError::Truncated,
            VenueCodeError::UnknownKey,
            VenueCodeError::BadSignature,
            VenueCodeError::Expired,
            VenueCodeError::NotYetValid,
        ];
        for err in errors {
            let msg = venue_code_error(err);
            assert_ne!(t(Lang::Vi, msg), t(Lang::En, msg), "{err:?}");
        }
    }
}
