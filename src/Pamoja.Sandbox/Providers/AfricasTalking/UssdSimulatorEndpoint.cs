using System.Globalization;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Messages;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

public sealed record UssdSimulatorResponse(string SessionId, string Text, bool Ended, string? Screen, string? Violation);

// POST /sandbox/africastalking/ussd — a phone on AT's USSD simulator. Without sessionId it
// dials (a new session, text ""); with one it sends `input` as the next step (text grows
// "1", "1*2", …) or, with "replay": true, posts the previous step again unchanged, as AT does
// when it retries. Each step is the exact AT form POSTed to the app; the app's answer is read
// as AT reads it (UssdAnswer), and a bad one ends the session with `violation` saying why.
// README.md lists every answer.
public static class UssdSimulatorEndpoint
{
    public const string Path = "/sandbox/africastalking/ussd";

    // What a keypad reply can hold; AT's own limit is not documented.
    public const int MaxInputLength = 182;
    public const int MaxTextLength = 1000;

    private static readonly string[] Fields = ["phoneNumber", "sessionId", "input", "serviceCode", "callbackUrl", "replay"];

    public static async Task<IResult> HandleAsync(
        HttpRequest request,
        UssdSessions sessions,
        AtCallbackPoster poster,
        UssdEventSender events,
        MessageStore store,
        IOptions<AfricasTalkingOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(poster);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        var (root, error) = await SimulatorJson.ReadObjectAsync(request, Fields, cancellationToken);
        if (error is not null
            || !SimulatorJson.TryString(root, "phoneNumber", out var phone, out error)
            || !SimulatorJson.TryString(root, "sessionId", out var sessionId, out error)
            || !SimulatorJson.TryInput(root, "input", out var input, out error)
            || !SimulatorJson.TryString(root, "serviceCode", out var serviceCode, out error)
            || !SimulatorJson.TryUrl(root, "callbackUrl", out var callbackUrl, out error)
            || !SimulatorJson.TryBool(root, "replay", out var replay, out error))
        {
            return SimulatorJson.BadRequest(error!);
        }
        if (phone is not null && !SmsScript.IsValidNumber(phone))
        {
            return SimulatorJson.BadRequest("'phoneNumber' must be +E.164, e.g. +254712345678");
        }
        if (serviceCode is not null && (serviceCode.Length is 0 or > 40 || serviceCode.Any(c => c is not (>= '0' and <= '9' or '*' or '#'))))
        {
            return SimulatorJson.BadRequest("'serviceCode' must be digits, '*' and '#', e.g. *384*1234#");
        }
        if (input is not null && (input.Length > MaxInputLength || input.Any(char.IsControl)))
        {
            return SimulatorJson.BadRequest($"'input' must be at most {MaxInputLength} characters, without control characters");
        }

        UssdSession session;
        if (sessionId is null)
        {
            if (phone is null)
            {
                return SimulatorJson.BadRequest("'phoneNumber' is required to dial (a request without 'sessionId' starts a session)");
            }
            if (input is not null || replay)
            {
                return SimulatorJson.BadRequest("A new session starts with empty text: send 'input' and 'replay' with the 'sessionId' of the session");
            }
            var url = callbackUrl ?? options.Value.UssdCallbackUrl;
            if (url is null)
            {
                return SimulatorJson.BadRequest("No callback URL: set AfricasTalking:UssdCallbackUrl or send 'callbackUrl'");
            }
            session = sessions.Start(phone, serviceCode ?? options.Value.ServiceCode, url);
        }
        else
        {
            var found = sessions.Find(sessionId);
            if (found is null)
            {
                return SimulatorJson.Problem(StatusCodes.Status404NotFound,
                    $"No USSD session '{sessionId}' (never started, or forgotten); dial again without 'sessionId'");
            }
            session = found;
            if ((phone is not null && phone != session.PhoneNumber)
                || (serviceCode is not null && serviceCode != session.ServiceCode)
                || (callbackUrl is not null && callbackUrl != session.CallbackUrl))
            {
                return SimulatorJson.BadRequest("'phoneNumber', 'serviceCode' and 'callbackUrl' are fixed when a session starts; leave them out or send the same values");
            }
            if (replay == (input is not null))
            {
                return SimulatorJson.BadRequest("Send either 'input' (the next step) or \"replay\": true (the previous step again) with a 'sessionId'");
            }
        }

        if (!session.TryEnter())
        {
            return SimulatorJson.Problem(StatusCodes.Status409Conflict,
                $"Session {session.Id} is still waiting for the app's answer to its previous step");
        }
        try
        {
            return await StepAsync(session, sessionId is null, input, replay, sessions, poster, events, store, time, cancellationToken);
        }
        finally
        {
            session.Exit();
        }
    }

    private static async Task<IResult> StepAsync(
        UssdSession session, bool dial, string? input, bool replay,
        UssdSessions sessions, AtCallbackPoster poster, UssdEventSender events, MessageStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (session.EndStatus == "Incomplete")
        {
            return Expired(session, sessions);
        }
        if (session.EndStatus is not null)
        {
            return SimulatorJson.Problem(StatusCodes.Status409Conflict,
                $"Session {session.Id} has ended; dial again without 'sessionId'");
        }
        if (!dial && sessions.IsExpired(session))
        {
            session.EndStatus = "Incomplete";
            events.SessionEnded(session, string.Create(CultureInfo.InvariantCulture,
                $"The session timed out: no input for {sessions.Timeout.TotalSeconds:0} s"));
            return Expired(session, sessions);
        }

        IReadOnlyList<KeyValuePair<string, string>> form;
        string shown;
        if (replay)
        {
            form = session.LastForm!;
            shown = "(replayed) " + (session.InputCount == 0 ? session.ServiceCode : LastInput(session.Text));
        }
        else
        {
            if (!dial)
            {
                var text = session.InputCount == 0 ? input! : session.Text + "*" + input;
                if (text.Length > MaxTextLength)
                {
                    return SimulatorJson.BadRequest($"The session's text would pass {MaxTextLength} characters; dial again");
                }
                session.Text = text;
                session.InputCount++;
            }
            form =
            [
                new("sessionId", session.Id),
                new("serviceCode", session.ServiceCode),
                new("phoneNumber", session.PhoneNumber),
                new("networkCode", DeliveryReportSender.SandboxNetworkCode),
                new("text", session.Text),
            ];
            session.LastForm = form;
            shown = dial ? session.ServiceCode : input!;
        }

        session.Hops++;
        var hop = session.Hops.ToString(CultureInfo.InvariantCulture);
        store.Add(new SandboxMessage($"{session.Id}/{hop}/in", "ussd", "africastalking",
            session.PhoneNumber, session.ServiceCode, shown, time.GetUtcNow(), SandboxMessage.Inbound));

        var result = await poster.PostAsync(session.CallbackUrl, form, cancellationToken);
        var answer = result.Error is not null ? UssdAnswer.Broken(result.Error) : UssdAnswer.Read(result.StatusCode!.Value, result.Body);
        session.LastActivity = time.GetUtcNow();
        if (result.Error is null)
        {
            session.LastAppResponse = result.Body;
        }

        store.Add(new SandboxMessage($"{session.Id}/{hop}/out", "ussd", "africastalking",
            session.ServiceCode, session.PhoneNumber,
            answer.Violation is null ? answer.Screen! : "(session ended by Africa's Talking: " + answer.Violation + ")",
            time.GetUtcNow()));

        if (answer.Ended)
        {
            session.EndStatus = answer.Violation is null ? "Success" : "Failed";
            events.SessionEnded(session, answer.Violation ?? "");
        }
        return Results.Json(new UssdSimulatorResponse(session.Id, session.Text, answer.Ended, answer.Screen, answer.Violation));
    }

    private static IResult Expired(UssdSession session, UssdSessions sessions) =>
        SimulatorJson.Problem(StatusCodes.Status410Gone, string.Create(CultureInfo.InvariantCulture,
            $"Session {session.Id} expired: Africa's Talking ends a session after {sessions.Timeout.TotalSeconds:0} s without a step; dial again without 'sessionId'"));

    private static string LastInput(string text) => text[(text.LastIndexOf('*') + 1)..];
}
