/**
 * What Klaviyo gets for each event, and how it is delivered per account.
 *
 * <h2>Profile properties for segments</h2>
 * Every booking event carries its customer's profile inline (email, E.164 phone, first and last name) with a few
 * flat, top-level properties, so merchants can segment on the profile without event filters:
 * <table>
 * <caption>Profile properties and the step that sets them</caption>
 * <tr><th>property</th><th>set by</th><th>value</th></tr>
 * <tr><td>{@code last_booking_at}</td><td>confirmed</td><td>when the customer booked (ISO 8601, UTC)</td></tr>
 * <tr><td>{@code last_booking_channel}</td><td>confirmed</td><td>{@code checkout} or {@code instant}</td></tr>
 * <tr><td>{@code last_booked_service}</td><td>confirmed</td><td>the booked service's title</td></tr>
 * <tr><td>{@code last_rescheduled_at}</td><td>rescheduled</td><td>when the booking was last moved</td></tr>
 * <tr><td>{@code last_cancelled_at}</td><td>cancelled</td><td>when a booking was last cancelled</td></tr>
 * <tr><td>{@code last_completed_at}</td><td>completed</td><td>when the customer last came to a visit</td></tr>
 * <tr><td>{@code last_no_show_at}</td><td>no-show</td><td>when the customer last missed one</td></tr>
 * </table>
 * How many visits someone missed is the count of their "Missed Appointment" events, which Klaviyo segments on
 * directly ("has done Missed Appointment at least 2 times"); it is exact, since each event's {@code unique_id} is
 * its event id. A {@code no_show_count} profile property would need the current count, which this service (no
 * database) doesn't keep; a redelivered event would count twice.
 * How they are kept current: each step sends only its own properties. Klaviyo leaves a property that a request
 * leaves out unchanged, so a reschedule or a cancellation never moves {@code last_booking_at} or changes
 * {@code last_booked_service}. A bulk create job carries one profile per customer: the profiles of that customer's
 * events in the job merged oldest to newest by event time, so the newest values win and a property only an older
 * step set is still sent. A customer's events share one Kafka partition, hence arrive in order; two steps of one
 * customer in flight at once may still reach Klaviyo in either order (up to {@code klaviyo.delivery.concurrency}
 * per account), which the separate property per step keeps harmless except between two confirmations of one
 * customer within moments of each other.
 */
package io.customerflow.klaviyo.service;
