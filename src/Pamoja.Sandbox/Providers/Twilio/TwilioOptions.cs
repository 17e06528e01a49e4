namespace Pamoja.Sandbox.Providers.Twilio;

// Bound from the "Twilio" configuration section (e.g. --Twilio:StatusCallbackDelay=00:00:00.050).
// Pamoja.Web's TwilioOptions defaults to the same credentials when it talks to the sandbox.
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    public string AccountSid { get; set; } = "AC00000000000000000000000000000001";

    // Checks Basic auth on the Messages API and signs every webhook and status callback.
    public string AuthToken { get; set; } = "sandbox-twilio-auth-token";

    // Twilio's WhatsApp sandbox sender (protocols.md §4.6) and its magic SMS test number.
    public string WhatsAppFrom { get; set; } = "whatsapp:+14155238886";

    public string SmsFrom { get; set; } = "+15005550006";

    // Where the inbound simulator posts messages by default: the number's "A message comes in"
    // URL. Default {PAMOJA_URL or http://localhost:5000}/webhooks/twilio/messages.
    public Uri? WebhookUrl { get; set; }

    // How long after the send the status callbacks are posted. Real ones take seconds; a
    // delay keeps callers honest about the callback racing the send response.
    public TimeSpan StatusCallbackDelay { get; set; } = TimeSpan.FromSeconds(1);

    // How long the "no answer" script (…7408) holds the request before giving up on it.
    public TimeSpan NoAnswerDelay { get; set; } = TimeSpan.FromSeconds(30);

    // Twilio waits 15 s in all for a webhook's answer (protocols.md §4.1).
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(15);

    // The free-form WhatsApp window opened by the member's last inbound message.
    public TimeSpan WhatsAppWindow { get; set; } = TimeSpan.FromHours(24);
}
