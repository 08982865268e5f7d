//! Every text the console shows, in Vietnamese and English, in one table.

/// The console's languages; Vietnamese unless the officer chose English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt (default).
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// `vi` or `en` as written in `?lang=` or the cookie.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $vi:literal, $en:literal;)*) => {
        /// A text of the console; [`T::get`] gives it in a language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            /// Every text, for the test that none is missing.
            pub const ALL: &'static [T] = &[$(T::$key),*];

            /// The text in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::Vi) => $vi, (T::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

texts! {
    Console => "Bảng điều khiển Vaora", "Vaora console";
    SignIn => "Đăng nhập", "Sign in";
    SignOut => "Đăng xuất", "Sign out";
    Token => "Mã truy cập (token)", "Access token";
    TokenHint => "Mã do quản trị viên cấp cho cán bộ hoặc người truy vết.", "The token your administrator issued to you (officer or tracer).";
    BadToken => "Mã truy cập không hợp lệ hoặc đã bị thu hồi.", "The token is not valid or was revoked.";
    WrongRole => "Vai trò của mã này không dùng được bảng điều khiển.", "This token's role cannot use the console.";
    Forbidden => "Bạn không có quyền xem trang này.", "You may not see this page.";
    NotFound => "Không tìm thấy.", "Not found.";
    Error => "Đã có lỗi", "Something went wrong";
    Units => "Đơn vị hành chính", "Administrative units";
    Day => "Ngày", "Day";
    Show => "Xem", "Show";
    VenuesWithCode => "Địa điểm có mã QR", "Venues with a QR code";
    ActiveDay => "Địa điểm có quét trong ngày", "Venues with scans that day";
    Active7 => "Địa điểm có quét trong 7 ngày", "Venues with scans in 7 days";
    Checkins => "Lượt khai báo", "Check-ins";
    Visitors => "Người khai báo", "Visitors";
    Unit => "Đơn vị", "Unit";
    Children => "Đơn vị trực thuộc", "Units below";
    VenueList => "Địa điểm", "Venues";
    Venue => "Địa điểm", "Venue";
    Withdrawn => "đã thu hồi", "withdrawn";
    Trend => "Xu hướng 14 ngày", "14-day trend";
    TrendDesc => "Số lượt khai báo (cột) và số địa điểm có quét (đường) mỗi ngày trong 14 ngày.", "Check-ins (bars) and venues with scans (line) per day over 14 days.";
    ChartTable => "Số liệu của biểu đồ", "The chart's numbers";
    Downloads => "Tải về", "Downloads";
    DashboardCsv => "Bảng số liệu (CSV)", "Figures (CSV)";
    ZeroScanCsv => "Danh sách không quét (CSV)", "Zero-scan list (CSV)";
    ZeroScanPdf => "Danh sách không quét (PDF)", "Zero-scan list (PDF)";
    Publish => "bản công bố, số nhỏ hơn 5 được ẩn", "for publication, counts under 5 hidden";
    ZeroScan => "Danh sách đơn vị không quét", "Zero-scan list";
    Silent => "Địa điểm im lặng", "Silent venues";
    SilentDays => "Số ngày không có lượt quét", "Days without a check-in";
    Contact => "Liên hệ", "Contact";
    Address => "Địa chỉ", "Address";
    LastCheckin => "Lượt quét gần nhất", "Last check-in";
    Never => "chưa có", "never";
    Poster => "Áp phích", "Poster";
    ReprintAll => "In lại tất cả áp phích (PDF)", "Reprint all posters (PDF)";
    NoSilent => "Không có địa điểm im lặng.", "No silent venue.";
    Order => "Stt", "No.";
    Count => "Số lượng", "Count";
    Total => "Tổng cộng", "Total";
    NoZero => "Mọi đơn vị đều có lượt quét.", "Every unit has check-ins.";
    Trace => "Truy vết ca bệnh", "Trace a case";
    CaseReference => "Mã ca bệnh", "Case reference";
    Identifier => "Số điện thoại hoặc số CCCD của ca bệnh", "The case's phone or ID number";
    From => "Từ ngày", "From";
    To => "Đến ngày (hết ngày)", "To (end of day)";
    AfterMinutes => "Số phút sau khi ca bệnh rời đi", "Minutes after the case left";
    Run => "Truy vết", "Trace";
    TraceNote => "Mỗi lần truy vết được ghi nhật ký cùng mã ca bệnh, và người dân thấy được lượt đọc này.", "Every trace is logged with its case reference, and citizens can see the read.";
    Visits => "Các lượt của ca bệnh", "The case's visits";
    Contacts => "Người có mặt cùng lúc", "People co-present";
    NoContacts => "Không có ai.", "Nobody.";
    Name => "Họ tên", "Name";
    Phone => "Điện thoại", "Phone";
    In => "Vào", "In";
    Out => "Ra", "Out";
    Overlap => "Trùng (phút)", "Overlap (minutes)";
    CallingList => "Danh sách gọi (CSV)", "Calling list (CSV)";
    Truncated => "Kết quả bị cắt bớt: hãy thu hẹp khoảng thời gian.", "The answer was cut short: narrow the window.";
    BadForm => "Kiểm tra lại ngày (YYYY-MM-DD) và số phút (0 đến 1440).", "Check the dates (YYYY-MM-DD) and the minutes (0 to 1440).";
    Language => "English", "Tiếng Việt";
    Home => "Trang đầu", "Home";
    UpTo => "Lên đơn vị cấp trên", "Up to the parent unit";
    BackToDashboard => "Về bảng số liệu của đơn vị", "Back to the unit's dashboard";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages() {
        for text in T::ALL {
            for lang in [Lang::Vi, Lang::En] {
                assert!(!text.get(lang).trim().is_empty(), "{text:?} in {lang:?}");
            }
        }
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
