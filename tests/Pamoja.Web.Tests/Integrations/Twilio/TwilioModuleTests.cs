using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Tests.Integrations.Twilio;

public sealed class TwilioModuleTests
{
    private static WebApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        // Cleared explicitly: the machine running the tests may have them set.
        builder.Configuration["PAMOJA_SANDBOX_URL"] = "";
        builder.Configuration["PAMOJA_URL"] = "";
        builder.Configuration["Network:PublicBaseUrl"] = "";
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        return builder;
    }

    [Fact]
    public void NothingIsRegisteredWhenTwilioIsNotConfigured()
    {
        Assert.False(TwilioOptions.IsConfigured(Builder([]).Configuration));
        var builder = Builder([]).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Null(services.GetService<TwilioMessageSender>());
    }

    [Fact]
    public void TheSandboxUrlConfiguresTwilioWithTheSandboxsCredentials()
    {
        var builder = Builder(new() { ["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5099", ["PAMOJA_URL"] = "http://127.0.0.1:5000" }).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        var o = services.GetRequiredService<IOptions<TwilioOptions>>().Value;
        Assert.Equal(("http://127.0.0.1:5099", TwilioOptions.SandboxAccountSid, TwilioOptions.SandboxAuthToken),
            (o.BaseUrl, o.AccountSid, o.AuthToken));
        Assert.Equal(("whatsapp:+14155238886", "+15005550006"), (o.WhatsAppFrom, o.SmsFrom));
        Assert.Equal("http://127.0.0.1:5000", o.PublicBaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(15), o.Timeout);
        Assert.NotNull(services.GetRequiredService<TwilioMessageSender>());
        // Registered as itself only: the notifications module decides which channel it serves.
        Assert.DoesNotContain(services.GetServices<IMessageSender>(), s => s is TwilioMessageSender);
    }

    [Fact]
    public void ProductionSettingsAreTakenAsGivenAndNeverGetSandboxSecrets()
    {
        var builder = Builder(new()
        {
            ["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5099",
            ["PAMOJA_URL"] = "http://127.0.0.1:5000",
            ["Network:PublicBaseUrl"] = "https://pamoja.example.org",
            ["Twilio:BaseUrl"] = "https://api.twilio.com",
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:AuthToken"] = "real-secret",
            ["Twilio:Timeout"] = "00:00:05",
        }).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        var o = services.GetRequiredService<IOptions<TwilioOptions>>().Value;
        Assert.Equal(("https://api.twilio.com", "AC0123456789abcdef0123456789abcdef", "real-secret", "", ""),
            (o.BaseUrl, o.AccountSid, o.AuthToken, o.WhatsAppFrom, o.SmsFrom));
        Assert.Equal("https://pamoja.example.org", o.PublicBaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Timeout);
    }

    [Fact]
    public void WithoutASandboxBaseUrlDefaultsToTwilio()
    {
        var builder = Builder(new()
        {
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:AuthToken"] = "real-secret",
            ["Twilio:PublicBaseUrl"] = "https://hooks.example.org",
        }).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        var o = services.GetRequiredService<IOptions<TwilioOptions>>().Value;
        Assert.Equal(("https://api.twilio.com", "https://hooks.example.org"), (o.BaseUrl, o.PublicBaseUrl));
    }

    [Fact]
    public void MissingSecretsFailValidation()
    {
        var builder = Builder(new() { ["Twilio:BaseUrl"] = "https://api.twilio.com" }).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);
    }

    [Fact]
    public void TemplatesBindFromDottedKeysAndAreLookedUpByTemplateAndLanguage()
    {
        var builder = Builder(new()
        {
            ["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5099",
            ["Twilio:Templates:reminder.due-today.sw"] = "HX0123456789abcdef0123456789abcdef",
            ["Twilio:Templates:reminder.due-today.en"] = "HXfedcba9876543210fedcba9876543210",
        }).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        var o = services.GetRequiredService<IOptions<TwilioOptions>>().Value;
        Assert.Equal("HX0123456789abcdef0123456789abcdef", o.TemplateSid("reminder.due-today", "sw"));
        Assert.Equal("HXfedcba9876543210fedcba9876543210", o.TemplateSid("reminder.due-today", "en"));
        Assert.Null(o.TemplateSid("reminder.due-today", "fr"));
        Assert.Null(o.TemplateSid("reminder.overdue", "sw"));
    }

    [Fact]
    public void AMalformedTemplateSidFailsValidation()
    {
        var builder = Builder(new()
        {
            ["PAMOJA_SANDBOX_URL"] = "http://127.0.0.1:5099",
            ["Twilio:Templates:reminder.due-today.sw"] = "reminder text instead of a SID",
        }).AddTwilio();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);
    }
}
