//! The venue-staff storage on both stores: who entered a check-in, a venue's live numbers,
//! closing the day, staff exits by request id, invitations.

use vaora_protocol::api::Role;
use vaora_protocol::staff::EnteredBy;

use super::*;
use crate::store::{NewInvitation, StaffEntered, VenuePresence};

const HOUR: i64 = 3_600_000;
const NOW: i64 = 1_800_000_000_000;

fn kiosk(token_id: u64) -> StaffEntered {
    StaffEntered {
        by: EnteredBy::Kiosk,
        token_id: Some(token_id),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_check_ins_say_how_they_were_entered() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let by_staff = Uuid::new_v4();
        let created = store
            .insert_staff_checkin(checkin(by_staff, &market, "Nguyễn Văn A", NOW), kiosk(7))
            .await
            .expect("insert");
        assert!(
            matches!(created, InsertOutcome::Created(_)),
            "{}",
            subject.name
        );
        let own = Uuid::new_v4();
        store
            .insert_checkin(checkin(own, &market, "Trần Thị B", NOW + 1))
            .await
            .expect("insert");

        let record = store.checkin_by_id(by_staff).await.expect("read");
        assert_eq!(
            record.map(|r| r.entered_by),
            Some(Some(EnteredBy::Kiosk)),
            "{}",
            subject.name
        );
        let record = store.checkin_by_id(own).await.expect("read");
        assert_eq!(record.map(|r| r.entered_by), Some(None), "{}", subject.name);
        // The person index and the venue's visits report it too.
        let visits = store
            .checkins_of("phone:0912345678".into(), NOW - 1, NOW + 2, 10)
            .await
            .expect("visits");
        let entered: Vec<_> = visits.iter().map(|v| v.entered_by).collect();
        assert_eq!(entered, [Some(EnteredBy::Kiosk), None], "{}", subject.name);
        let at = store
            .checkins_at(market.id, NOW - 1, NOW + 2, 10)
            .await
            .expect("visits");
        assert_eq!(at[0].entered_by, Some(EnteredBy::Kiosk));

        // A replay answers the first receipt (even if sent as paper); other content conflicts.
        let paper = StaffEntered {
            by: EnteredBy::Paper,
            token_id: None,
        };
        let replay = store
            .insert_staff_checkin(checkin(by_staff, &market, "Nguyễn Văn A", NOW + 9), paper)
            .await
            .expect("replay");
        assert!(matches!(replay, InsertOutcome::Replayed(ref r) if r.checked_in_at == NOW));
        let record = store.checkin_by_id(by_staff).await.expect("read");
        assert_eq!(record.and_then(|r| r.entered_by), Some(EnteredBy::Kiosk));
        let conflict = store
            .insert_staff_checkin(checkin(by_staff, &market, "Lê Văn C", NOW + 9), paper)
            .await
            .expect("conflict");
        assert_eq!(conflict, InsertOutcome::Conflict, "{}", subject.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_counts_open_check_ins_and_closing_the_day_ends_them() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let clinic = venue(store, "Trạm y tế", 2).await;
        let at = |venue: &VenueRow, name: &str, time: i64| {
            let checkin = checkin(Uuid::new_v4(), venue, name, time);
            let id = checkin.id;
            async move {
                store.insert_checkin(checkin).await.expect("insert");
                id
            }
        };
        let yesterday = at(&market, "Ngày hôm qua", NOW - 25 * HOUR).await;
        let early = at(&market, "Sáng sớm", NOW - 5 * HOUR).await;
        let _open = at(&market, "Đang ở", NOW - 2 * HOUR).await;
        let left = at(&market, "Đã về", NOW - HOUR).await;
        store.check_out(left, NOW - HOUR / 2).await.expect("out");
        let elsewhere = at(&clinic, "Ở trạm", NOW - HOUR).await;

        let window = NOW - 24 * HOUR;
        let today = NOW - 3 * HOUR;
        assert_eq!(
            store
                .venue_presence(market.id, window, today)
                .await
                .expect("presence"),
            VenuePresence {
                inside: 2,
                checkins_today: 2
            },
            "{}: the open ones of the last day; today's whatever their end",
            subject.name
        );

        // Closing at a time before one check-in keeps that one's exit at its entry.
        let closed = store
            .close_venue_day(market.id, window, NOW - 3 * HOUR)
            .await
            .expect("close");
        assert_eq!(closed, 2, "{}", subject.name);
        let presence = store
            .venue_presence(market.id, window, today)
            .await
            .expect("presence");
        assert_eq!(presence.inside, 0);
        let exits = |id: Uuid| async move {
            store
                .checkin_by_id(id)
                .await
                .expect("read")
                .and_then(|r| r.checked_out_at)
        };
        assert_eq!(exits(early).await, Some(NOW - 3 * HOUR));
        assert_eq!(
            exits(_open).await,
            Some(NOW - 2 * HOUR),
            "never before its entry"
        );
        assert_eq!(
            exits(left).await,
            Some(NOW - HOUR / 2),
            "the first exit stays"
        );
        assert_eq!(
            exits(yesterday).await,
            None,
            "older than a day: not touched"
        );
        assert_eq!(exits(elsewhere).await, None, "other venues: not touched");
        assert_eq!(
            store
                .close_venue_day(market.id, window, NOW)
                .await
                .expect("again"),
            0
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_exit_is_recorded_once_per_request_and_purged_with_its_check_in() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let clinic = venue(store, "Trạm y tế", 2).await;
        let visit = Uuid::new_v4();
        store
            .insert_checkin(checkin(visit, &market, "Nguyễn Văn A", NOW))
            .await
            .expect("insert");
        let request = Uuid::new_v4();
        assert_eq!(store.staff_checkout(request).await.expect("read"), None);

        let row = store
            .record_staff_checkout(request, market.id, visit, NOW + HOUR)
            .await
            .expect("exit")
            .expect("recorded");
        assert_eq!(
            (
                row.id,
                row.venue_id,
                row.checkin_id,
                row.checked_in_at,
                row.checked_out_at
            ),
            (request, market.id, visit, NOW, NOW + HOUR),
            "{}",
            subject.name
        );
        assert_eq!(
            store.staff_checkout(request).await.expect("read"),
            Some(row)
        );
        // The same request again answers what was first recorded.
        let again = store
            .record_staff_checkout(request, market.id, visit, NOW + 2 * HOUR)
            .await
            .expect("exit");
        assert_eq!(again, Some(row), "{}", subject.name);
        // A new request for a visit already ended keeps the first exit time.
        let late = store
            .record_staff_checkout(Uuid::new_v4(), market.id, visit, NOW + 3 * HOUR)
            .await
            .expect("exit")
            .expect("recorded");
        assert_eq!(late.checked_out_at, NOW + HOUR);
        // Unknown check-ins and other venues' check-ins are nobody's exit.
        let unknown = store
            .record_staff_checkout(Uuid::new_v4(), market.id, Uuid::new_v4(), NOW)
            .await
            .expect("exit");
        assert_eq!(unknown, None);
        let wrong_venue = store
            .record_staff_checkout(Uuid::new_v4(), clinic.id, visit, NOW)
            .await
            .expect("exit");
        assert_eq!(wrong_venue, None, "{}", subject.name);

        store.purge_checkins(NOW + 1, NOW + 1).await.expect("purge");
        assert_eq!(
            store.staff_checkout(request).await.expect("read"),
            None,
            "{}: the exit goes with its check-in",
            subject.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_accepted_once_before_it_expires() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let invitation = |expires_at: i64| NewInvitation {
            venue_id: market.id,
            contact: "0912345678".into(),
            label: "Ca chiều".into(),
            invited_by: "token 1 (Chợ)".into(),
            created_at: NOW,
            expires_at,
        };
        store
            .insert_invitation("hash-ok".into(), invitation(NOW + HOUR))
            .await
            .expect("insert");
        store
            .insert_invitation("hash-old".into(), invitation(NOW - 1))
            .await
            .expect("insert");

        let token = store
            .accept_invitation("hash-ok".into(), NOW, "token-hash".into())
            .await
            .expect("accept")
            .expect("a token");
        assert_eq!(
            (
                token.role,
                token.label.as_str(),
                token.venue_id,
                token.created_at
            ),
            (Role::VenueStaff, "Ca chiều", Some(market.id), NOW),
            "{}",
            subject.name
        );
        let found = store
            .token_by_hash("token-hash".into())
            .await
            .expect("read");
        assert_eq!(found, Some(token), "{}", subject.name);

        for (hash, why) in [
            ("hash-ok", "used"),
            ("hash-old", "expired"),
            ("hash-none", "unknown"),
        ] {
            let again = store
                .accept_invitation(hash.into(), NOW, format!("other-{hash}"))
                .await
                .expect("accept");
            assert_eq!(again, None, "{}: {why}", subject.name);
        }
        assert_eq!(
            store.tokens().await.expect("tokens").len(),
            1,
            "{}: nothing else issued",
            subject.name
        );
    }
}
