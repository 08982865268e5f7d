//! Texts of the venue staff's screens (sign-in, kiosk, paper declarations, closing the day).
//! Same layer as [`super::Msg`] and [`super::Later`], a table of its own: only the `staff`
//! chunk shows them, and visitors never download them.

use vaora_protocol::personal_code::PersonalCodeError;

use super::Translate;

/// Declares [`Staff`] and the list of all its messages (for the test that each has both
/// languages).
macro_rules! messages {
    ($($name:ident),* $(,)?) => {
        /// A message of the staff screens.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Staff {
            $($name),*
        }

        #[cfg(test)]
        const ALL: &[Staff] = &[$(Staff::$name),*];
    };
}

messages! {
    Title,
    SignInTitle,
    SignInHelp,
    SignInLabel,
    SignInButton,
    SignInInvalid,
    SigningIn,
    InvitationInvalid,
    SignOut,
    InviteButton,
    InviteContact,
    InviteSubmit,
    InviteMade,
    InviteContactInvalid,
    InviteNeedsNetwork,
    Inside,
    Offline,
    ModeLabel,
    ModeEntry,
    ModeExit,
    KioskHint,
    Entered,
    Left,
    AlreadyInside,
    Refused,
    NotPersonalCode,
    CodeDamaged,
    Fullscreen,
    PaperButton,
    PaperTitle,
    PaperHelp,
    PaperSubmit,
    PaperSaved,
    CodeFilled,
    BackToKiosk,
    CloseDayButton,
    CloseDayConfirm,
    CloseDayYes,
    CloseDayNo,
    ClosedDay,
    CloseDayNeedsNetwork,
    Loading,
    LoadFailed,
    Retry,
}

impl Translate for Staff {
    fn texts(self) -> (&'static str, &'static str) {
        use Staff::*;
        match self {
            Title => ("Kiểm soát ra vào", "Door control"),
            SignInTitle => ("Đăng nhập nhân viên", "Staff sign-in"),
            SignInHelp => (
                "Mở liên kết nhân viên mà cơ quan đăng ký đã gửi, hoặc dán liên kết hay mã đăng nhập vào đây.",
                "Open the staff link the registering office sent you, or paste the link or sign-in code here.",
            ),
            SignInLabel => ("Liên kết hoặc mã đăng nhập", "Staff link or sign-in code"),
            SignInButton => ("Đăng nhập", "Sign in"),
            SignInInvalid => (
                "Mã đăng nhập không đúng hoặc đã bị thu hồi.",
                "This sign-in code is wrong or has been revoked.",
            ),
            SigningIn => ("Đang đăng nhập…", "Signing in…"),
            InvitationInvalid => (
                "Lời mời không hợp lệ, đã dùng hoặc đã hết hạn. Hãy xin một lời mời mới.",
                "This invitation is invalid, used or expired. Ask for a new one.",
            ),
            SignOut => ("Đăng xuất", "Sign out"),
            InviteButton => ("Mời thêm nhân viên", "Invite more staff"),
            InviteContact => (
                "Số điện thoại hoặc e-mail của người được mời",
                "The invitee's phone number or e-mail address",
            ),
            InviteSubmit => ("Tạo lời mời", "Make the invitation"),
            InviteMade => (
                "Gửi liên kết này cho người được mời (dùng được một lần, trong 72 giờ):",
                "Send this link to the invitee (it works once, within 72 hours):",
            ),
            InviteContactInvalid => (
                "Cần một số điện thoại Việt Nam hoặc một địa chỉ e-mail.",
                "A Vietnamese phone number or an e-mail address is needed.",
            ),
            InviteNeedsNetwork => (
                "Cần có mạng để tạo lời mời. Hãy thử lại khi có mạng.",
                "Making an invitation needs the network. Try again when online.",
            ),
            Inside => ("Đang ở trong", "Inside now"),
            Offline => (
                "Mất mạng: lượt quét được lưu trên máy và sẽ tự gửi.",
                "Offline: scans are kept on this device and sent automatically.",
            ),
            ModeLabel => ("Chế độ quét", "Scanning for"),
            ModeEntry => ("Vào", "Entry"),
            ModeExit => ("Ra", "Exit"),
            KioskHint => (
                "Quét mã QR cá nhân (mẫu quốc gia, CCCD gắn chip hoặc mã Vaora) của người ra vào.",
                "Scan each person's personal QR (national format, chip ID card or Vaora code).",
            ),
            Entered => ("Đã vào", "Checked in"),
            Left => ("Đã ra", "Checked out"),
            AlreadyInside => ("Đã ở trong — không ghi thêm", "Already inside — not recorded again"),
            Refused => ("Không nhận", "Refused"),
            NotPersonalCode => (
                "Không phải mã QR cá nhân (mẫu quốc gia, CCCD hoặc Vaora).",
                "Not a personal QR code (national format, chip ID card or Vaora).",
            ),
            CodeDamaged => (
                "Mã QR cá nhân không hợp lệ:",
                "This personal QR code is not valid:",
            ),
            Fullscreen => ("Toàn màn hình", "Full screen"),
            PaperButton => ("Khai hộ (tờ khai giấy)", "Paper declaration"),
            PaperTitle => ("Khai hộ tờ khai giấy", "Enter a paper declaration"),
            PaperHelp => (
                "Dành cho người không có điện thoại thông minh. Có thể dùng máy quét mã vạch ở ô số giấy tờ.",
                "For people without a smartphone. A barcode scanner works in the ID number field.",
            ),
            PaperSubmit => ("Lưu và cho vào", "Save and check in"),
            PaperSaved => ("Đã lưu tờ khai, người này đã vào.", "Declaration saved: checked in."),
            CodeFilled => (
                "Đã điền theo mã vừa quét. Kiểm tra và hoàn thành các câu còn lại.",
                "Filled in from the scanned code. Check it and answer the rest.",
            ),
            BackToKiosk => ("Quay lại quét", "Back to scanning"),
            CloseDayButton => ("Kết thúc ngày", "Close the day"),
            CloseDayConfirm => (
                "Cho tất cả những người còn trong địa điểm ra (check-out)?",
                "Check out everyone still inside?",
            ),
            CloseDayYes => ("Đồng ý, cho tất cả ra", "Yes, check everyone out"),
            CloseDayNo => ("Không", "No"),
            ClosedDay => ("Đã kết thúc ngày. Số người được cho ra:", "Day closed. People checked out:"),
            CloseDayNeedsNetwork => (
                "Cần có mạng để kết thúc ngày. Hãy thử lại khi có mạng.",
                "Closing the day needs the network. Try again when online.",
            ),
            Loading => ("Đang tải…", "Loading…"),
            LoadFailed => (
                "Không tải được thông tin địa điểm. Kiểm tra mạng rồi thử lại.",
                "Could not load the venue. Check the network and try again.",
            ),
            Retry => ("Thử lại", "Try again"),
        }
    }
}

/// Why a scanned code is not a personal code this kiosk accepts, in words for staff.
pub fn personal_code_error(err: PersonalCodeError) -> (&'static str, &'static str) {
    use PersonalCodeError::*;
    match err {
        Unrecognized => ("không phải mã QR cá nhân", "not a personal QR code"),
        FieldCount => ("thiếu hoặc thừa trường", "wrong number of fields"),
        IdNumber => ("số giấy tờ không đúng", "the ID number is not valid"),
        OldIdNumber => ("số CMND cũ không đúng", "the old ID number is not valid"),
        Name => ("họ tên không đúng", "the name is not valid"),
        BirthDate => ("ngày sinh không đúng", "the birth date is not valid"),
        Declarant => (
            "loại định danh không đúng",
            "the declarant type is not valid",
        ),
        Gender => ("thiếu giới tính", "the gender is missing"),
        IssueDate => ("ngày cấp không đúng", "the issue date is not valid"),
        Field => (
            "có ký tự không được phép",
            "a field holds a forbidden character",
        ),
        Encoding | Declaration => ("mã Vaora bị hỏng", "the Vaora code is damaged"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_staff_text_exists_in_both_languages() {
        for &msg in ALL {
            let (vi, en) = msg.texts();
            assert!(!vi.trim().is_empty() && !en.trim().is_empty(), "{msg:?}");
        }
    }
}
