using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Pamoja.Web.Integrations.AfricasTalking;

namespace Pamoja.Web.Tests.Integrations.AfricasTalking;

public sealed class AfricasTalkingInboundSmsTests
{
    private static Dictionary<string, string> Form() => new()
    {
        ["from"] = "+254712345678",
        ["to"] = "12345",
        ["text"] = "SALIO\nasante",
        ["date"] = "2025-03-01 09:15:30",
        ["id"] = "5b9e2f1c-7a0d-4f4e-9d1b-2c3a4b5c6d7e",
        ["linkId"] = "ab12cd34-0000-1111-2222-333344445555",
        ["networkCode"] = "63902",
    };

    [Fact]
    public void AllFieldsAreRead()
    {
        Assert.True(AtInboundSms.TryParse(Form(), out var sms));

        Assert.Equal("5b9e2f1c-7a0d-4f4e-9d1b-2c3a4b5c6d7e", sms.Id);
        Assert.Equal("+254712345678", sms.From.Value);
        Assert.Equal("12345", sms.To);
        Assert.Equal("SALIO\nasante", sms.Text);
        Assert.Equal("2025-03-01 09:15:30", sms.Date);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 15, 30, TimeSpan.Zero), sms.ReceivedAt);
        Assert.Equal("ab12cd34-0000-1111-2222-333344445555", sms.LinkId);
        Assert.Equal("63902", sms.NetworkCode);
    }

    [Fact]
    public void OnlyIdFromAndToAreRequired()
    {
        var form = new Dictionary<string, string> { ["id"] = "x1", ["from"] = "+256772123456", ["to"] = "+254700000001" };

        Assert.True(AtInboundSms.TryParse(form, out var sms));
        Assert.Equal("", sms.Text);
        Assert.Null(sms.Date);
        Assert.Null(sms.ReceivedAt);
        Assert.Null(sms.LinkId);
        Assert.Null(sms.NetworkCode);
    }

    [Fact]
    public void AnUnreadableDateIsKeptAsSentButNotParsed()
    {
        var form = Form();
        form["date"] = "yesterday-ish";

        Assert.True(AtInboundSms.TryParse(form, out var sms));
        Assert.Equal("yesterday-ish", sms.Date);
        Assert.Null(sms.ReceivedAt);
    }

    [Fact]
    public void AnIsoDateWithAZoneIsHonoured()
    {
        var form = Form();
        form["date"] = "2025-03-01T12:15:30+03:00";

        Assert.True(AtInboundSms.TryParse(form, out var sms));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 15, 30, TimeSpan.Zero), sms.ReceivedAt);
    }

    [Theory]
    [InlineData("id", null, "'id' is missing")]
    [InlineData("id", "a b", "'id' is not")]
    [InlineData("from", null, "'from' is missing")]
    [InlineData("from", "0712345678", "'from' is not")]
    [InlineData("from", "+254712345678\r\nX-Injected: 1", "'from' is not")]
    [InlineData("to", null, "'to' is missing")]
    [InlineData("to", "12345'; DELETE FROM messages; --", "'to' is not")]
    [InlineData("text", "a\u0000b", "'text' is longer")]
    [InlineData("linkId", "link id", "'linkId' is not")]
    [InlineData("date", "2025-03-01\n09:15:30", "'date' is longer")]
    public void MalformedFieldsAreRefused(string field, string? value, string errorStart)
    {
        var form = Form();
        if (value is null) form.Remove(field);
        else form[field] = value;

        Assert.False(AtInboundSms.TryParse(form, out var sms, out var error));
        Assert.Null(sms);
        Assert.StartsWith(errorStart, error, StringComparison.Ordinal);
        Assert.False(AtInboundSms.TryParse(form, out _));
    }

    [Fact]
    public void ALoneSurrogateInTheTextIsRefused()
    {
        // Built here, not in InlineData: xunit's theory serialisation would replace it with U+FFFD.
        var form = Form();
        form["text"] = "ok " + '\uDC00';

        Assert.False(AtInboundSms.TryParse(form, out _, out var error));
        Assert.StartsWith("'text' is longer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TextUpToTheLimitIsTakenAndBeyondIsRefused()
    {
        var atLimit = Form();
        atLimit["text"] = new string('a', AtInboundSms.MaxTextLength);
        var over = Form();
        over["text"] = new string('a', AtInboundSms.MaxTextLength + 1);

        Assert.True(AtInboundSms.TryParse(atLimit, out _));
        Assert.False(AtInboundSms.TryParse(over, out _));
    }

    [Fact]
    public void InjectionStringsInTheTextAreDataNotErrors()
    {
        var form = Form();
        form["text"] = "'; DROP TABLE members; -- <script>alert(1)</script> {{7*7}} ${jndi:ldap://x}";

        Assert.True(AtInboundSms.TryParse(form, out var sms));
        Assert.Equal(form["text"], sms.Text);
    }
}

public sealed class AfricasTalkingDeliveryReportTests
{
    private static Dictionary<string, string> Form(string status = "Success") => new()
    {
        ["id"] = "ATXid_0b1c2d3e4f",
        ["status"] = status,
        ["phoneNumber"] = "+254712345678",
        ["networkCode"] = "63902",
        ["retryCount"] = "0",
    };

    [Theory]
    [InlineData("Sent", AtDeliveryStatus.Sent, false, false)]
    [InlineData("Submitted", AtDeliveryStatus.Submitted, false, false)]
    [InlineData("Buffered", AtDeliveryStatus.Buffered, false, false)]
    [InlineData("Rejected", AtDeliveryStatus.Rejected, true, false)]
    [InlineData("Success", AtDeliveryStatus.Success, true, true)]
    [InlineData("Failed", AtDeliveryStatus.Failed, true, false)]
    [InlineData("success", AtDeliveryStatus.Success, true, true)]
    [InlineData("FAILED", AtDeliveryStatus.Failed, true, false)]
    public void StatusesMapToFinalAndDelivered(string word, AtDeliveryStatus status, bool final, bool delivered)
    {
        Assert.True(AtDeliveryReport.TryParse(Form(word), out var report));

        Assert.Equal(status, report.Status);
        Assert.Equal(final, report.IsFinal);
        Assert.Equal(delivered, report.IsDelivered);
        Assert.Equal("ATXid_0b1c2d3e4f", report.Id);
        Assert.Equal("+254712345678", report.PhoneNumber.Value);
        Assert.Equal("63902", report.NetworkCode);
        Assert.Equal(0, report.RetryCount);
        Assert.Null(report.FailureReason);
    }

    [Fact]
    public void FailureReasonAndRetryCountAreRead()
    {
        var form = Form("Failed");
        form["failureReason"] = "InsufficientCredit";
        form["retryCount"] = "3";

        Assert.True(AtDeliveryReport.TryParse(form, out var report));
        Assert.Equal("InsufficientCredit", report.FailureReason);
        Assert.Equal(3, report.RetryCount);
    }

    [Fact]
    public void OptionalFieldsMayBeAbsent()
    {
        var form = new Dictionary<string, string> { ["id"] = "ATXid_1", ["status"] = "Sent", ["phoneNumber"] = "+255712345678" };

        Assert.True(AtDeliveryReport.TryParse(form, out var report));
        Assert.Null(report.NetworkCode);
        Assert.Null(report.RetryCount);
        Assert.Null(report.FailureReason);
    }

    [Theory]
    [InlineData("status", "Delivered")]
    [InlineData("status", "3")]
    [InlineData("status", "Success,Failed")]
    [InlineData("status", "")]
    [InlineData("status", null)]
    [InlineData("id", null)]
    [InlineData("id", "")]
    [InlineData("phoneNumber", null)]
    [InlineData("phoneNumber", "not a phone")]
    [InlineData("retryCount", "-1")]
    [InlineData("retryCount", "1.5")]
    [InlineData("retryCount", "one")]
    [InlineData("retryCount", "99999999999999999999999")]
    [InlineData("retryCount", "1001")]
    [InlineData("networkCode", "63 902")]
    [InlineData("failureReason", "bad\u0000reason")]
    public void GarbageIsRefused(string field, string? value)
    {
        var form = Form();
        if (value is null) form.Remove(field);
        else form[field] = value;

        Assert.False(AtDeliveryReport.TryParse(form, out var report, out var error));
        Assert.Null(report);
        Assert.Contains($"'{field}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeStatusIsRefusedCheaply()
    {
        var form = Form(new string('S', 5_000_000));
        Assert.False(AtDeliveryReport.TryParse(form, out _));
    }
}

public sealed class AfricasTalkingUssdSessionEventTests
{
    private static Dictionary<string, string> Form(string status = "Success") => new()
    {
        ["date"] = "2025-03-01 09:15:30",
        ["sessionId"] = "ATUid_abc123",
        ["serviceCode"] = "*384*1234#",
        ["networkCode"] = "99999",
        ["phoneNumber"] = "+254712345678",
        ["status"] = status,
        ["cost"] = "KES 0.0000",
        ["durationInMillis"] = "5234",
        ["hopsCount"] = "3",
        ["hopsMetadata"] = "",
        ["input"] = "1*2",
        ["lastAppResponse"] = "END Asante",
        ["errorMessage"] = "",
    };

    [Fact]
    public void AllFieldsAreRead()
    {
        Assert.True(AtUssdSessionEvent.TryParse(Form(), out var e, out var error), error);

        Assert.Equal("ATUid_abc123", e.SessionId);
        Assert.Equal(AtUssdSessionStatus.Success, e.Status);
        Assert.Equal("+254712345678", e.PhoneNumber.Value);
        Assert.Equal("*384*1234#", e.ServiceCode);
        Assert.Equal("99999", e.NetworkCode);
        Assert.Equal(5234, e.DurationInMillis);
        Assert.Equal(3, e.HopsCount);
        Assert.Equal("1*2", e.Input);
        Assert.Equal("END Asante", e.LastAppResponse);
        Assert.Null(e.ErrorMessage);
        Assert.Equal("2025-03-01 09:15:30", e.Date);
    }

    [Theory]
    [InlineData("Success", AtUssdSessionStatus.Success)]
    [InlineData("Incomplete", AtUssdSessionStatus.Incomplete)]
    [InlineData("Failed", AtUssdSessionStatus.Failed)]
    [InlineData("failed", AtUssdSessionStatus.Failed)]
    public void StatusesAreRead(string word, AtUssdSessionStatus status)
    {
        var form = Form(word);
        form["errorMessage"] = "Response should start with a CON or an END";

        Assert.True(AtUssdSessionEvent.TryParse(form, out var e));
        Assert.Equal(status, e.Status);
        Assert.Equal("Response should start with a CON or an END", e.ErrorMessage);
    }

    [Theory]
    [InlineData("status", "Ended")]
    [InlineData("status", null)]
    [InlineData("sessionId", null)]
    [InlineData("sessionId", "id with space")]
    [InlineData("phoneNumber", "254712345678")]
    [InlineData("durationInMillis", "abc")]
    [InlineData("durationInMillis", "-5")]
    [InlineData("durationInMillis", "1e9")]
    [InlineData("hopsCount", "3.0")]
    [InlineData("input", "1\n2")]
    [InlineData("lastAppResponse", "CON \u0000")]
    public void GarbageIsRefused(string field, string? value)
    {
        var form = Form();
        if (value is null) form.Remove(field);
        else form[field] = value;

        Assert.False(AtUssdSessionEvent.TryParse(form, out var e, out var error));
        Assert.Null(e);
        Assert.Contains($"'{field}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlySessionStatusAndPhoneAreRequired()
    {
        var form = new Dictionary<string, string> { ["sessionId"] = "s1", ["status"] = "Incomplete", ["phoneNumber"] = "+250788123456" };

        Assert.True(AtUssdSessionEvent.TryParse(form, out var e));
        Assert.Null(e.DurationInMillis);
        Assert.Null(e.Input);
        Assert.Null(e.LastAppResponse);
        Assert.Null(e.ErrorMessage);
    }
}

public sealed class AfricasTalkingCallbackTokenTests
{
    [Theory]
    [InlineData("s3cret-token", "s3cret-token", true)]
    [InlineData("s3cret-token", "s3cret-tokeN", false)]
    [InlineData("s3cret-token", "s3cret-token ", false)]
    [InlineData("s3cret-token", "s3cret", false)]
    [InlineData("s3cret-token", "", false)]
    [InlineData("s3cret-token", null, false)]
    [InlineData("", "", false)]
    [InlineData(null, null, false)]
    [InlineData(null, "anything", false)]
    [InlineData("t\u00F6ken", "t\u00F6ken", true)]
    [InlineData("t\u00F6ken", "token", false)]
    public void OnlyTheExactConfiguredTokenMatches(string? expected, string? given, bool matches)
    {
        Assert.Equal(matches, AtCallbackToken.Matches(expected, given));
    }

    [Fact]
    public void AHugeGivenTokenIsJustAMismatch()
    {
        Assert.False(AtCallbackToken.Matches("s3cret-token", new string('s', 1_000_000)));
    }

    [Theory]
    [InlineData(null, null, "")]
    [InlineData(null, "http://127.0.0.1:5001", "sandbox-at-callback-token")]
    [InlineData("prod-token", "http://127.0.0.1:5001", "prod-token")]
    [InlineData("prod-token", null, "prod-token")]
    public void TheTokenDefaultsOnlyAgainstTheSandbox(string? configured, string? sandboxUrl, string resolved)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AfricasTalking:CallbackToken"] = configured,
            ["PAMOJA_SANDBOX_URL"] = sandboxUrl,
        }).Build();

        Assert.Equal(resolved, AtCallbackToken.Resolve(configuration));
    }

    [Fact]
    public void TheOptionIsFilledWhenCallbacksAreAdded()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5001";
        builder.AddAfricasTalkingCallbacks();
        using var provider = builder.Services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AfricasTalkingOptions>>().Value;

        Assert.Equal(AtCallbackToken.SandboxDefault, options.CallbackToken);
    }
}

public sealed class AfricasTalkingFormTests
{
    [Fact]
    public void AFormWithOneValuePerFieldBecomesADictionary()
    {
        var form = new FormCollection(new Dictionary<string, StringValues> { ["sessionId"] = "s1", ["text"] = "" });

        var read = AtForm.Read(form);

        Assert.NotNull(read);
        Assert.Equal("s1", read["sessionId"]);
        Assert.Equal("", read["text"]);
    }

    [Fact]
    public void AFieldSentTwiceMakesTheFormUnreadable()
    {
        var form = new FormCollection(new Dictionary<string, StringValues> { ["id"] = new(["a", "b"]), ["status"] = "Success" });

        Assert.Null(AtForm.Read(form));
        Assert.Null(AtForm.Read(null));
    }
}
