using Microsoft.Extensions.Options;
using Pamoja.Web.Integrations.AfricasTalking;
using Pamoja.Web.Integrations.Twilio;

namespace Pamoja.Web.Features.Notifications;

public static class NotificationsModule
{
    /// The outbox and its senders. SMS goes through Messaging:SmsProvider (africastalking,
    /// twilio or log; by default Africa's Talking when it is configured, else Twilio, else the
    /// log); WhatsApp through Twilio when Twilio is configured (the sandbox in the demo and tests),
    /// else WhatsApp notices go by SMS.
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection("Outbox"));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<DeliveryReports>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());

        var twilio = TwilioOptions.IsConfigured(builder.Configuration);
        if (twilio)
            builder.AddTwilio();
        var smsProvider = (builder.Configuration["Messaging:SmsProvider"] ?? builder.Configuration["Messaging:Provider"]
            ?? (AfricasTalkingOptions.IsConfigured(builder.Configuration) ? "africastalking" : twilio ? "twilio" : "log")).ToLowerInvariant();
        if (smsProvider == "twilio" && !twilio)
            throw new InvalidOperationException("Messaging:SmsProvider is twilio but Twilio is not configured (Twilio:AccountSid, Twilio:AuthToken).");
        if (smsProvider == "africastalking")
            builder.AddAfricasTalkingSms();
        builder.Services.AddSingleton<LogMessageSender>();

        builder.Services.AddSingleton(sp =>
        {
            ChannelSender? viaTwilio = null;
            Func<string, string, string?>? templates = null;
            if (twilio)
            {
                var o = sp.GetRequiredService<IOptions<TwilioOptions>>().Value;
                // Twilio reports delivery to our status webhook, signed like every other callback.
                Uri? status = Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var publicBase)
                    ? new Uri(new Uri(publicBase.ToString().TrimEnd('/') + "/"), "webhooks/twilio/status") : null;
                viaTwilio = new ChannelSender(() => sp.GetRequiredService<TwilioMessageSender>(), "twilio", status);
                templates = o.TemplateSid;
            }
            var sms = smsProvider switch
            {
                "africastalking" => new ChannelSender(() => sp.GetRequiredService<AfricasTalkingSmsSender>(), "africastalking"),
                "twilio" => viaTwilio!,
                _ => new ChannelSender(sp.GetRequiredService<LogMessageSender>(), "log"),
            };
            return new MessageSenders(sms, viaTwilio, templates);
        });
        return builder;
    }
}
