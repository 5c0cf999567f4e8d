-- The booking app reports what happened to an appointment: it took place (COMPLETED) or the customer did not
-- come (NO_SHOW). They are statuses like the others: the one of the newest event wins (booking.updated_at), and a
-- step that arrives before its confirmation is kept on a row with booked_at still null (V2).
alter table booking drop constraint booking_status_check;
alter table booking add constraint booking_status_check
    check (status in ('CONFIRMED', 'RESCHEDULED', 'CANCELLED', 'COMPLETED', 'NO_SHOW'));
