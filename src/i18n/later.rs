//! Texts of the screens loaded after the first scan (confirmation, revisits, dependants, "My
//! visits", deleting data). Same layer as [`super::Msg`], a separate table so that none of
//! these strings is part of the first-scan download.

use vaora_protocol::declaration::Problem;
use vaora_protocol::venue_code::VenueCodeError;

use super::Translate;

/// Declares [`Later`] and the list of all its messages (for the test that each has both
/// languages).
macro_rules! messages {
    ($($name:ident),* $(,)?) => {
        /// A message of a later screen.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Later {
            $($name),*
        }

        #[cfg(test)]
        const ALL: &[Later] = &[$(Later::$name),*];
    };
}

messages! {
    Torch,
    DoneTitle,
    Pending,
    CheckedOut,
    DataDeleted,
    CheckOut,
    CheckedOutAt,
    CheckedInAt,
    CheckedInHereSince,
    HereNow,
    Delivered,
    WaitingToSend,
    Refused,
    NoVisits,
    ReadByAuthority,
    ReadForCase,
    ReadsOffline,
    BackHome,
    DeleteTitle,
    DeleteWhat,
    ServerKeeps,
    DeleteButton,
    DeletePendingWarning,
    DeleteConfirm,
    Cancel,
    You,
    NewPerson,
    WhoIsCheckingIn,
    AddPerson,
    Continue,
    NothingChangedSince,
    ConfirmCheckIn,
    UpdateAnswers,
    OnlyNewQuestions,
    Zoom,
    CameraLens,
    VenueGenuine,
    VenueNotGenuine,
    VenueUnit,
    ContinueToDeclare,
    ScanAgain,
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
    ErrServerRejectedCode,
    ErrServerUnknownVenue,
    DoneVenue,
    DoneTime,
    DoneId,
    DoneAgain,
    ChooseSomeone,
    CrashReportText,
    CrashReportSave,
    CrashReportDismiss,
    PhotoDecoding,
    PhotoNoCode,
    PhotoUnreadable,
    ShortCodeInvalid,
    ShortCodeUnknown,
    CodeNotVaora,
    CodeUnsupportedVersion,
    CodeDamaged,
    CodeUnknownKey,
    CodeBadSignature,
    CodeExpired,
    CodeNotYetValid,
    MyQrTitle,
    MyQrFormatLabel,
    MyQrNational,
    MyQrVaora,
    MyQrVaoraHint,
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

impl Translate for Later {
    fn texts(self) -> (&'static str, &'static str) {
        use Later::*;
        match self {
            Torch => ("Đèn", "Torch"),
            DoneTitle => ("Check-in thành công", "Checked in"),
            Pending => ("Chờ gửi", "Pending"),
            CheckedOut => ("Đã check-out", "Checked out"),
            DataDeleted => ("Đã xoá dữ liệu trên máy này", "Data on this phone deleted"),
            CheckOut => ("Check-out (ra về)", "Check out"),
            CheckedOutAt => ("Đã ra lúc", "Checked out at"),
            CheckedInAt => ("Vào lúc", "Checked in at"),
            CheckedInHereSince => ("Đang check-in tại đây từ", "Checked in here since"),
            HereNow => ("Đang ở địa điểm này", "Here now"),
            Delivered => ("Đã gửi đến máy chủ", "Sent to the server"),
            WaitingToSend => (
                "Đã lưu trên máy, sẽ tự gửi khi có mạng",
                "Saved on this phone, sent automatically when online",
            ),
            Refused => ("Máy chủ từ chối:", "Refused by the server:"),
            NoVisits => (
                "Chưa có lượt ghé nào trên máy này.",
                "No visits on this phone yet.",
            ),
            ReadByAuthority => ("Đã được cơ quan y tế đọc:", "Read by the health authority:"),
            ReadForCase => ("ca", "case"),
            ReadsOffline => (
                "Đang ngoại tuyến: chưa xem được cơ quan y tế đã đọc lượt ghé nào.",
                "Offline: cannot check now whether the health authority read your visits.",
            ),
            BackHome => ("Về màn hình chính", "Back to start"),
            DeleteTitle => ("Xoá dữ liệu của tôi", "Delete my data"),
            DeleteWhat => (
                "Xoá khỏi máy này: tờ khai của bạn và người đi cùng, các lượt ghé, các lượt chưa gửi và lựa chọn ngôn ngữ.",
                "Deletes from this phone: your and your dependants' declarations, your visits, anything not yet sent and your language choice.",
            ),
            ServerKeeps => (
                "Các lượt check-in đã gửi vẫn được máy chủ lưu để truy vết trong thời hạn do cơ quan y tế quy định (máy chủ tham chiếu: 21 ngày), sau đó tự động xoá. Xoá ở đây không xoá trên máy chủ.",
                "Check-ins already sent stay on the server for contact tracing for the period the health authority sets (the reference server: 21 days), then are deleted automatically. Deleting here does not delete them there.",
            ),
            DeleteButton => ("Xoá dữ liệu trên máy này…", "Delete data on this phone…"),
            DeletePendingWarning => (
                "Các lượt chưa gửi sẽ mất và không bao giờ được gửi",
                "Check-ins not yet sent will be lost and never sent",
            ),
            DeleteConfirm => ("Xoá hết", "Delete everything"),
            Cancel => ("Huỷ", "Cancel"),
            You => ("Bạn", "You"),
            NewPerson => ("Người mới", "New person"),
            WhoIsCheckingIn => ("Ai check-in lần này?", "Who is checking in?"),
            AddPerson => ("+ Thêm người đi cùng", "+ Add a person with me"),
            Continue => ("Tiếp tục", "Continue"),
            NothingChangedSince => ("Không có gì thay đổi từ", "Nothing changed since"),
            ConfirmCheckIn => ("Xác nhận và check-in", "Confirm and check in"),
            UpdateAnswers => ("Cập nhật tờ khai", "Update my answers"),
            Zoom => ("Thu phóng", "Zoom"),
        CameraLens => ("Camera", "Camera"),
        VenueGenuine => ("Mã chính thức — chữ ký hợp lệ", "Genuine code — signature verified"),
        VenueNotGenuine => ("Mã KHÔNG hợp lệ — không check-in được", "NOT a genuine code — cannot check in"),
        VenueUnit => ("Đơn vị hành chính", "Administrative unit"),
        ContinueToDeclare => ("Khai báo và check-in", "Declare and check in"),
        ScanAgain => ("Quét mã khác", "Scan another code"),
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
        ErrServerRejectedCode => ("Máy chủ không chấp nhận mã địa điểm này.", "The server did not accept this venue code."),
        ErrServerUnknownVenue => ("Địa điểm này chưa được đăng ký trên máy chủ.", "This venue is not registered on the server."),
        DoneVenue => ("Địa điểm", "Venue"),
        DoneTime => ("Thời gian", "Time"),
        DoneId => ("Mã check-in", "Check-in ID"),
        DoneAgain => ("Check-in địa điểm khác", "Check in somewhere else"),
        ChooseSomeone => ("Hãy chọn ít nhất một người", "Choose at least one person"),
            CrashReportText => (
            "Bạn có thể lưu lại ảnh đã làm bộ đọc mã gặp lỗi để gửi kèm khi báo lỗi. Ảnh chỉ được lưu trên máy của bạn, không được gửi đi đâu.",
            "You can save the image the code reader failed on, to attach to a bug report. It is only saved on your device, never sent.",
        ),
        CrashReportSave => ("Lưu ảnh", "Save the image"),
        CrashReportDismiss => ("Bỏ qua", "Dismiss"),
        PhotoDecoding => ("Đang đọc ảnh…", "Reading the photo…"),
        PhotoNoCode => ("Không tìm thấy mã QR trong ảnh. Hãy chụp lại gần hơn và rõ hơn.", "No QR code found in the photo. Try again closer and sharper."),
        PhotoUnreadable => ("Không mở được ảnh này. Hãy chọn ảnh JPEG hoặc PNG.", "This image cannot be opened. Choose a JPEG or PNG photo."),
        ShortCodeInvalid => ("Mã gồm 8 chữ và số, ví dụ K7Q2-M9XD.", "The code has 8 letters and digits, e.g. K7Q2-M9XD."),
        ShortCodeUnknown => ("Không có địa điểm nào với mã này.", "No venue has this code."),
        CodeNotVaora => ("Mã này không phải mã địa điểm Vaora.", "This code is not a Vaora venue code."),
        CodeUnsupportedVersion => ("Mã dùng phiên bản mới hơn ứng dụng này. Hãy tải lại trang.", "The code uses a newer version than this app. Reload the page."),
        CodeDamaged => ("Mã bị hỏng hoặc không đầy đủ.", "The code is damaged or incomplete."),
        CodeUnknownKey => ("Mã được ký bởi một cơ quan không được tin cậy.", "The code was signed by an authority that is not trusted."),
        CodeBadSignature => ("Chữ ký không khớp: mã có thể bị làm giả hoặc sửa đổi.", "The signature does not match: the code may be forged or altered."),
        CodeExpired => ("Mã đã hết hạn. Hãy báo địa điểm in mã mới.", "The code has expired. Ask the venue to print a new one."),
        CodeNotYetValid => ("Mã chưa có hiệu lực. Hãy kiểm tra ngày giờ trên điện thoại.", "The code is not valid yet. Check your phone's date and time."),
            MyQrTitle => ("Mã QR cá nhân", "Personal QR code"),
            MyQrFormatLabel => ("Loại mã", "Kind of code"),
            MyQrNational => ("Mẫu quốc gia", "National format"),
            MyQrVaora => ("Mã Vaora kèm tờ khai", "Vaora code with my declaration"),
            MyQrVaoraHint => (
                "Nhân viên quét mã này để check-in bạn cùng tờ khai y tế đã khai, không cần khai lại.",
                "Staff scan this code to check you in with the declaration you made: nothing to fill in again.",
            ),
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
            OnlyNewQuestions => (
                "Tờ khai đã thay đổi: chỉ cần trả lời các câu mới.",
                "The form changed: only the new questions need answers.",
            ),
        }
    }
}

/// A declaration problem, in words for people.
pub fn problem(problem: Problem) -> Later {
    match problem {
        Problem::Required => Later::ProblemRequired,
        Problem::TooShort => Later::ProblemTooShort,
        Problem::TooLong => Later::ProblemTooLong,
        Problem::InvalidCharacters => Later::ProblemInvalidCharacters,
        Problem::InvalidPhone => Later::ProblemInvalidPhone,
        Problem::OutOfRange => Later::ProblemOutOfRange,
        Problem::ConsentRequired => Later::ProblemConsentRequired,
        Problem::InvalidFormat => Later::ProblemInvalidFormat,
        Problem::UnknownChoice => Later::ProblemUnknownChoice,
        Problem::WrongType => Later::ProblemWrongType,
        Problem::UnknownQuestion => Later::ProblemUnknownQuestion,
    }
}

/// Why a venue code was refused, in words for people.
pub fn venue_code_error(err: VenueCodeError) -> Later {
    match err {
        VenueCodeError::NotVaoraCode => Later::CodeNotVaora,
        VenueCodeError::UnsupportedVersion(_) => Later::CodeUnsupportedVersion,
        VenueCodeError::Truncated | VenueCodeError::Oversized | VenueCodeError::Malformed => {
            Later::CodeDamaged
        }
        VenueCodeError::UnknownKey => Later::CodeUnknownKey,
        VenueCodeError::BadSignature => Later::CodeBadSignature,
        VenueCodeError::Expired => Later::CodeExpired,
        VenueCodeError::NotYetValid => Later::CodeNotYetValid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_ne!(msg.texts().0, msg.texts().1, "{err:?}");
        }
    }

    #[test]
    fn every_later_text_exists_in_both_languages() {
        // (Some words are the same in both, "Camera" among them: only emptiness is wrong.)
        for &msg in ALL {
            let (vi, en) = msg.texts();
            assert!(!vi.trim().is_empty() && !en.trim().is_empty(), "{msg:?}");
        }
    }
}
