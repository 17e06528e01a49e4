using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Integrations.AfricasTalking;

namespace Pamoja.Web.Features.Channels;

/// Members use Pamoja from WhatsApp, SMS and USSD: the conversational core, the chat PIN, the
/// links from a chat to the web, and the providers' webhooks.
public static class ChannelsModule
{
    public static WebApplicationBuilder AddChannels(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ChannelOptions>(builder.Configuration.GetSection("Channels"));
        builder.Services.AddSingleton<ChatPins>();
        builder.Services.AddSingleton<ChatLinks>();
        builder.Services.AddSingleton<ChatInbox>();
        builder.Services.AddScoped<Conversation>();
        builder.AddAfricasTalkingCallbacks();
        return builder;
    }
}
