using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Providers.Momo;
using Pamoja.Sandbox.Scripts;

namespace Pamoja.Sandbox.Tests.Momo;

// Pamoja's own scripted numbers (MomoScripts) on a real clock with millisecond delays. The ones
// that need time held still (late callback, ambiguous answer) are in MomoTimingTests.
public sealed class MomoScriptTests(MomoSandboxFixture fixture) : IClassFixture<MomoSandboxFixture>
{
    private MomoTestSandbox Sandbox => fixture.Sandbox;

    [Theory]
    [InlineData(MomoProduct.Collection)]
    [InlineData(MomoProduct.Disbursement)]
    public async Task DuplicateCallbacksNumberGetsTheSameCallbackFiveTimes(MomoProduct product)
    {
        var id = await Sandbox.PayAsync(product, MomoScripts.DuplicateCallbacks);

        var callbacks = await Sandbox.Receiver.WaitForAsync(id, MomoScripts.DuplicateCallbackCount);

        Assert.Equal(5, callbacks.Length);
        Assert.Single(callbacks.Select(c => c.Body).Distinct(StringComparer.Ordinal));
        Assert.Equal("SUCCESSFUL", JsonNode.Parse(callbacks[0].Body)!["status"]!.GetValue<string>());
        Assert.Equal(5, (await Sandbox.RecordedCallbacksAsync(id, 5)).Length);
        Assert.Equal("DuplicateCallbacks", (await Sandbox.TransactionAsync(id)).GetProperty("script").GetString());
    }

    [Theory]
    [InlineData(MomoProduct.Collection)]
    [InlineData(MomoProduct.Disbursement)]
    public async Task NoCallbackNumberSucceedsButOnlyGetTells(MomoProduct product)
    {
        var silent = await Sandbox.PayAsync(product, MomoScripts.NoCallback);
        var control = await Sandbox.PayAsync(product, MomoTestSandbox.FreshMsisdn());

        Assert.Equal("SUCCESSFUL", (await Sandbox.WaitForFinalAsync(product, silent)).GetProperty("status").GetString());
        // Due in order: the later control's callback arriving means the silent one's time passed.
        await Sandbox.Receiver.WaitForAsync(control);
        Assert.Empty(Sandbox.Receiver.For(silent));
        Assert.True((await Sandbox.TransactionAsync(silent)).GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task BurstNumberIsRefused503ThreeTimesRecordingNothingThenAccepted()
    {
        // Its own sandbox: the burst count lives as long as the process.
        await using var sandbox = await MomoTestSandbox.StartAsync();
        var refused = new List<Guid>();
        foreach (var product in new[] { MomoProduct.Collection, MomoProduct.Disbursement, MomoProduct.Collection })
        {
            var id = Guid.NewGuid();
            refused.Add(id);
            using var response = await sandbox.Client.SendAsync(sandbox.PaymentRequest(product, id,
                MomoTestSandbox.Body(product, MomoScripts.ServiceUnavailableBurst), sandbox.Receiver.UrlFor(id)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("SERVICE_UNAVAILABLE", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("code").GetString());
        }
        Assert.Empty(await sandbox.TransactionsAsync($"?msisdn={MomoScripts.ServiceUnavailableBurst}"));

        // The first refused reference id was never recorded, so sending it again is new, not a 409.
        using (var retry = await sandbox.Client.SendAsync(sandbox.PaymentRequest(MomoProduct.Collection, refused[0],
                   MomoTestSandbox.Body(MomoProduct.Collection, MomoScripts.ServiceUnavailableBurst))))
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var later = await sandbox.PayAsync(MomoProduct.Disbursement, MomoScripts.ServiceUnavailableBurst);

        Assert.Equal(2, (await sandbox.TransactionsAsync($"?msisdn={MomoScripts.ServiceUnavailableBurst}")).Length);
        Assert.Equal("SUCCESSFUL", (await sandbox.WaitForFinalAsync(MomoProduct.Disbursement, later)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task CallbackMethodCanBePost()
    {
        await using var sandbox = await MomoTestSandbox.StartAsync(null, "--Momo:CallbackMethod=POST");
        var id = await sandbox.PayAsync(MomoProduct.Disbursement, MomoTestSandbox.FreshMsisdn());

        Assert.Equal("POST", Assert.Single(await sandbox.Receiver.WaitForAsync(id)).Method);
    }

    [Fact]
    public async Task UnknownCallbackMethodStopsTheSandboxFromStarting()
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Momo:CallbackMethod=PATCH"]);
        try
        {
            await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnreachableReceiverIsRecordedAndNotRetried()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var id = Guid.NewGuid();
        using (var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, id,
                   MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()), new Uri($"http://127.0.0.1:{port}/webhooks/momo?ref={id}"))))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var attempt = Assert.Single(await Sandbox.RecordedCallbacksAsync(id, 1));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
        Assert.False(string.IsNullOrEmpty(attempt.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task InboxListsMtnTestNumbersAndPamojaScripts()
    {
        var html = await Sandbox.Client.GetStringAsync("/");

        foreach (var msisdn in MomoScript.MtnTable.Select(r => r.Msisdn).Concat(MomoScripts.All))
        {
            Assert.Contains($"<td>{msisdn}</td>", html, StringComparison.Ordinal);
        }
        var scripted = Sandbox.App.Services.GetServices<ScriptedNumber>().Where(s => s.Provider == MomoScripts.Provider).ToList();
        Assert.Equal(MomoScript.MtnTable.Count + MomoScripts.All.Count, scripted.Count);
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var options = new MomoOptions();
        Assert.Equal(TimeSpan.FromSeconds(2), options.OutcomeDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), options.DelayedOutcomeDelay);
        Assert.Equal("PUT", options.CallbackMethod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LateCallbackDelay);
        Assert.Equal(TimeSpan.FromSeconds(40), options.AmbiguousDelay);
        Assert.Equal(TimeSpan.FromHours(1), options.TokenLifetime);
    }

    [Fact]
    public void ScriptedNumbersLieOutsideMtnsTable()
    {
        Assert.Empty(MomoScripts.All.Intersect(MomoScript.MtnTable.Select(r => r.Msisdn)));
        Assert.Equal(MomoScripts.All.Count, MomoScripts.All.Distinct().Count());
    }
}
