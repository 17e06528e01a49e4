using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

public sealed class MpesaSandboxApiTests(FastMpesaSandbox fixture) : IClassFixture<FastMpesaSandbox>
{
    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task TheCertificateIsAPemRsaCertificate()
    {
        using var response = await Sandbox.Client.GetAsync("/sandbox/mpesa/certificate");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pem = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
        using var certificate = X509Certificate2.CreateFromPem(pem);
        using var rsa = certificate.GetRSAPublicKey();
        Assert.NotNull(rsa);
        Assert.Equal(2048, rsa.KeySize);
    }

    [Fact]
    public async Task EachSandboxMakesItsOwnKey()
    {
        await using var other = await MpesaSandbox.StartAsync();

        Assert.NotEqual(await Sandbox.Client.GetStringAsync("/sandbox/mpesa/certificate"), await other.Client.GetStringAsync("/sandbox/mpesa/certificate"));
    }

    [Fact]
    public async Task TransactionsAreListedNewestFirstAndFilteredByPhone()
    {
        var phone = MpesaScripts.Phone();
        var bystander = MpesaScripts.Phone();
        using (var r = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(phone, Sandbox.Receiver.NewUrl(), amount: 5))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await Sandbox.PostAsync("/mpesa/b2c/v3/paymentrequest", await Sandbox.B2cBodyAsync(phone, Sandbox.Receiver.NewUrl(), amount: 50))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await Sandbox.PostAsync("/mpesa/b2c/v3/paymentrequest", await Sandbox.B2cBodyAsync(bystander, Sandbox.Receiver.NewUrl()))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // "+2547…" and "2547…" name the same phone.
        var listed = await Sandbox.TransactionsAsync(phone);
        var unprefixed = await Sandbox.Client.GetFromJsonAsync<JsonElement[]>($"/sandbox/mpesa/transactions?phone={MpesaScripts.Wire(phone)}");

        Assert.Equal(["b2c", "stk"], listed.Select(t => t.GetProperty("kind").GetString()));
        Assert.Equal([50L, 5L], listed.Select(t => t.GetProperty("amount").GetInt64()));
        Assert.Equal(2, unprefixed!.Length);
        Assert.Equal(["kind", "id", "conversationId", "phone", "amount", "reference", "outcome", "resultCode", "pending", "moneyMoved", "receipt",
            "callbacksSent", "callbacksDelivered", "acceptedAt"], MpesaSandbox.Names(listed[0]));
        Assert.All(listed, t => Assert.Equal(MpesaScripts.Wire(phone), t.GetProperty("phone").GetString()));
    }

    [Fact]
    public async Task TheInboxListsTheMpesaScripts()
    {
        var html = await Sandbox.Client.GetStringAsync("/");

        foreach (var scripted in MpesaScripts.Table)
        {
            Assert.Contains($"<td>{scripted.EndsWith}</td>", html, StringComparison.Ordinal);
        }
        Assert.Contains("M-Pesa (Daraja)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultsAreDarajasPublicSandboxValues()
    {
        await using var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        var options = app.Services.GetRequiredService<IOptions<MpesaOptions>>().Value;

        Assert.Equal("174379", options.StkShortCode);
        Assert.Equal("bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919", options.Passkey);
        Assert.Equal("600992", options.B2cShortCode);
        Assert.Equal("testapi", options.InitiatorName);
        Assert.Equal("Safaricom999!*!", options.InitiatorPassword);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CallbackDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LateCallbackDelay);
        Assert.Equal(TimeSpan.FromSeconds(40), options.AmbiguousDelay);
        Assert.Equal(TimeSpan.FromSeconds(8), options.ValidationTimeout);
    }

    [Fact]
    public void ScriptedPhonesAreFreshE164NumbersWithTheSuffix()
    {
        var a = MpesaScripts.Phone(MpesaScripts.Cancelled);
        var b = MpesaScripts.Phone(MpesaScripts.Cancelled);

        Assert.Matches(@"^\+2547\d{4}1032$", a);
        Assert.NotEqual(a, b);
        Assert.Equal(MpesaOutcome.Cancelled, MpesaScripts.StkOutcome(MpesaScripts.Wire(a)));
        Assert.Equal(MpesaOutcome.Success, MpesaScripts.StkOutcome(MpesaScripts.Wire(MpesaScripts.Phone())));
        Assert.Throws<ArgumentException>(() => MpesaScripts.Phone("12"));
    }
}
