using System.Globalization;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Browser.Tests;

/// Made-up phone numbers for the journeys.
internal static class Phones
{
    /// A fresh Kenyan +2547xxxxxxxx that no sandbox provider fails on purpose.
    public static string Fresh()
    {
        while (true)
        {
            var phone = "+2547" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
            if (!ScriptedNumbers.IsScripted(phone)) return phone;
        }
    }
}
