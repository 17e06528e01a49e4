using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class ScriptedNumberTests(SandboxFixture sandbox)
{
    [Fact]
    public void ScriptedNumbersListsWhatEveryProviderRegisters()
    {
        // The list tests and demos check made-up numbers against (TestData.Phone) is the one
        // the providers register for the inbox page: a new script cannot be left out of it.
        var registered = sandbox.App.Services.GetServices<ScriptedNumber>().Select(s => (s.Provider, s.EndsWith)).Order().ToList();
        Assert.NotEmpty(registered);
        Assert.Equal(registered, ScriptedNumbers.All.Select(s => (s.Provider, s.EndsWith)).Order().ToList());
        Assert.True(ScriptedNumbers.IsScripted("+254700000500"));
        Assert.False(ScriptedNumbers.IsScripted(TestPhones.Kenyan()));
    }

    [Theory]
    [InlineData("0405", 405, "InsufficientBalance")]
    [InlineData("0406", 406, "UserInBlacklist")]
    public async Task RefusedRecipientGetsScriptedStatusAndIsNotRecorded(string suffix, int statusCode, string status)
    {
        var refused = TestPhones.Kenyan(suffix);
        var ok = TestPhones.Kenyan();

        using var response = await sandbox.SendSmsAsync($"{refused},{ok}", "hi");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await AtSms.ReadJsonAsync(response);
        var recipients = AtSms.Recipients(body);
        Assert.Equal(statusCode, recipients[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(status, recipients[0].GetProperty("status").GetString());
        Assert.Equal("0", recipients[0].GetProperty("cost").GetString());
        Assert.Equal("None", recipients[0].GetProperty("messageId").GetString());
        Assert.Equal(101, recipients[1].GetProperty("statusCode").GetInt32());
        Assert.Equal("Sent to 1/2 Total Cost: KES 0.8000", body.GetProperty("SMSMessageData").GetProperty("Message").GetString());

        Assert.Empty(await sandbox.MessagesToAsync(refused));
        Assert.Single(await sandbox.MessagesToAsync(ok));
    }

    [Fact]
    public async Task GatewayFailureNumberFailsWholeRequestEveryTimeAndRecordsNothing()
    {
        var failing = TestPhones.Kenyan("0500");
        var bystander = TestPhones.Kenyan();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await sandbox.SendSmsAsync($"{bystander},{failing}", "hi");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Empty(await sandbox.MessagesToAsync(failing));
        Assert.Empty(await sandbox.MessagesToAsync(bystander));
    }

    [Fact]
    public async Task BurstNumberGets503ThreeTimesThenSucceeds()
    {
        var bursty = TestPhones.Kenyan("0503");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var failed = await sandbox.SendSmsAsync(bursty, "retry me");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Empty(await sandbox.MessagesToAsync(bursty));
        }

        using var succeeded = await sandbox.SendSmsAsync(bursty, "retry me");
        Assert.Equal(HttpStatusCode.Created, succeeded.StatusCode);
        var recipient = Assert.Single(AtSms.Recipients(await AtSms.ReadJsonAsync(succeeded)));
        Assert.Equal(101, recipient.GetProperty("statusCode").GetInt32());
        Assert.Equal(recipient.GetProperty("messageId").GetString(), Assert.Single(await sandbox.MessagesToAsync(bursty)).Id);

        // The burst is over for this number: later sends go straight through.
        using var again = await sandbox.SendSmsAsync(bursty, "again");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task BurstIsCountedPerNumber()
    {
        var first = TestPhones.Kenyan("0503");
        var second = TestPhones.Kenyan("0503");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var response = await sandbox.SendSmsAsync(first, "hi");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        // `first` is past its burst but `second` has not started its own.
        using var both = await sandbox.SendSmsAsync($"{first},{second}", "hi");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, both.StatusCode);
        using var firstAlone = await sandbox.SendSmsAsync(first, "hi");
        Assert.Equal(HttpStatusCode.Created, firstAlone.StatusCode);
    }

    [Fact]
    public async Task ScriptedSuffixOnAnInvalidNumberIsJustInvalid()
    {
        using var response = await sandbox.SendSmsAsync("0700000500", "hi");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(403, Assert.Single(AtSms.Recipients(await AtSms.ReadJsonAsync(response))).GetProperty("statusCode").GetInt32());
    }
}
