using Pamoja.Web.Integrations.AfricasTalking;

namespace Pamoja.Web.Features.Notifications;

public static class NotificationsModule
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection("Outbox"));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());

        // Africa's Talking when it is configured (the sandbox in the demo and tests); otherwise the log.
        var provider = builder.Configuration["Messaging:Provider"]
            ?? (AfricasTalkingOptions.IsConfigured(builder.Configuration) ? "africastalking" : "log");
        var africasTalking = string.Equals(provider, "africastalking", StringComparison.OrdinalIgnoreCase);
        if (africasTalking)
            builder.AddAfricasTalkingSms();
        else
            builder.Services.AddSingleton<LogMessageSender>();
        builder.Services.AddSingleton(sp => new MessageSenders(africasTalking
            ? new ChannelSender(() => sp.GetRequiredService<AfricasTalkingSmsSender>(), "africastalking")
            : new ChannelSender(sp.GetRequiredService<LogMessageSender>(), "log")));
        return builder;
    }
}
