-- Shopify doesn't guarantee webhook order: a cancel (or reschedule) can arrive before the confirmation of its
-- booking. That status is kept on a booking row whose booked_at stays null until the confirmation arrives and
-- fills it in (and counts the booking on its customer). booking.updated_at is the time of the event that set the
-- current status: a later-arriving event with an older time never overwrites it.
alter table booking alter column booked_at drop not null;
