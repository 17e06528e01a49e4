namespace Pamoja.Core.Schedules;

public enum Frequency { Weekly, Biweekly, Semimonthly, Monthly, Days }

/// The periods of a group's contributions: period 0 starts on the start date; monthly periods
/// keep the start's day of the month, clamped to the month's end (a group that starts on
/// 31 January is due on 28/29 February, then 31 March); the others are fixed numbers of days
/// (semimonthly is every 15 days, as cooperatives pay).
public sealed record PeriodCalendar(DateOnly StartsOn, Frequency Frequency, int EveryDays = 0)
{
    public int LengthInDays => Frequency switch
    {
        Frequency.Weekly => 7,
        Frequency.Biweekly => 14,
        Frequency.Semimonthly => 15,
        Frequency.Days => EveryDays > 0 ? EveryDays : throw new InvalidOperationException("Every-N-days needs N ≥ 1."),
        _ => throw new InvalidOperationException("Monthly periods have no fixed length."),
    };

    public DateOnly StartOf(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(period);
        // From the start date every time, never from the previous period: 31 Jan → 29 Feb → 31 Mar.
        return Frequency == Frequency.Monthly ? StartsOn.AddMonths(period) : StartsOn.AddDays(checked(period * LengthInDays));
    }

    /// The period that contains the date; -1 before the start.
    public int PeriodOn(DateOnly date)
    {
        if (date < StartsOn) return -1;
        if (Frequency != Frequency.Monthly)
            return (date.DayNumber - StartsOn.DayNumber) / LengthInDays;
        var period = (date.Year - StartsOn.Year) * 12 + date.Month - StartsOn.Month;
        while (period > 0 && StartOf(period) > date) period--;
        return period;
    }

    /// The first period start strictly after the date (the earliest a rule change can apply
    /// once money has moved in the current period).
    public DateOnly NextStartAfter(DateOnly date) => date < StartsOn ? StartsOn : StartOf(PeriodOn(date) + 1);
}
