using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Core.Phones;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Ledger.Pages;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Http;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Channels;

public static class ChatChannels
{
    public const string WhatsApp = "whatsapp";
    public const string Sms = "sms";
    public const string Ussd = "ussd";
}

/// One thing a member said. Conversation: the phone for WhatsApp and SMS, the session id for USSD.
/// Input: the newest input only (for USSD the last part of the cumulative text). Start: a USSD
/// dial (no input yet). (Re-deliveries never reach here: ChatInbox answers them.)
public sealed record ChatTurn(string Channel, string Phone, string Conversation, string Input, bool Start = false);

/// The reply. End: a USSD session closes (END). Secret: the input was a PIN and must not be kept.
public sealed record ChatAnswer(string Text, bool End, bool Secret = false);

/// The conversational core the three channels share: one menu, one set of commands, one state
/// per conversation. WhatsApp and SMS take words (BALANCE, SALIO …) or the menu's numbers; USSD
/// walks the numbered menus. Money moves only after the amount is confirmed with the member's
/// PIN; a complex step answers with a signed single-use link to the web page that does it.
/// Anything else gets a short help reply, never an error.
public sealed class Conversation(
    NpgsqlDataSource db, TimeProvider clock, ChatPins pins, ChatLinks links, ScheduleQueries schedules, LedgerQueries ledger,
    PaymentGateways gateways, MoneyTransaction money, RequestCollection collect, PaymentSignal paymentSignal, OutboxSignal outboxSignal,
    Microsoft.Extensions.Options.IOptions<ChannelOptions> options)
{
    private const int StatementLines = 5;

    private sealed record Membership(Guid GroupId, string GroupName, Guid MemberId, Guid? UserId, GroupRole Role, string Status, Currency Currency);

    private sealed class Session
    {
        public string Step { get; set; } = Steps.Home;
        public Guid? GroupId { get; set; }
        public Dictionary<string, string> Data { get; set; } = [];
        public bool Exists { get; set; }
    }

    private static class Steps
    {
        public const string Home = "home";
        public const string Menu = "menu";
        public const string ChooseGroup = "choose_group";
        public const string PayAmount = "pay_amount";
        public const string PayPin = "pay_pin";

        /// Just after a payment was asked for: a PIN sent again is still a PIN (kept secret,
        /// answered "already sent"), not a menu choice.
        public const string PaySent = "pay_sent";
        public const string Language = "language";
    }

    private enum Action { Menu, Balance, Due, Pay, Payout, Statement, Language, SwitchGroup, Help }

    // Words a member may send, English and Swahili; the menu's numbers work too.
    private static readonly Dictionary<string, Action> Words = new(StringComparer.Ordinal)
    {
        ["menu"] = Action.Menu, ["menyu"] = Action.Menu, ["hi"] = Action.Menu, ["hello"] = Action.Menu, ["habari"] = Action.Menu,
        ["start"] = Action.Menu, ["anza"] = Action.Menu, ["mambo"] = Action.Menu, ["jambo"] = Action.Menu,
        ["balance"] = Action.Balance, ["bal"] = Action.Balance, ["salio"] = Action.Balance,
        ["due"] = Action.Due, ["next due"] = Action.Due, ["deni"] = Action.Due,
        ["pay"] = Action.Pay, ["pay now"] = Action.Pay, ["lipa"] = Action.Pay, ["lipa sasa"] = Action.Pay,
        ["payout"] = Action.Payout, ["next payout"] = Action.Payout, ["mgao"] = Action.Payout,
        ["statement"] = Action.Statement, ["mini"] = Action.Statement, ["taarifa"] = Action.Statement,
        ["language"] = Action.Language, ["lang"] = Action.Language, ["lugha"] = Action.Language,
        ["group"] = Action.SwitchGroup, ["groups"] = Action.SwitchGroup, ["kikundi"] = Action.SwitchGroup, ["switch"] = Action.SwitchGroup,
        ["help"] = Action.Help, ["msaada"] = Action.Help, ["?"] = Action.Help,
    };

    /// Whether the conversation's next message answers "your PIN?": the webhooks then store it
    /// as a marker from the start, so a PIN is never written down.
    public async Task<bool> AwaitsPinAsync(string channel, string conversation, string phone, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM chat_sessions
                            WHERE channel = $1 AND conversation = $2 AND phone = $3 AND step IN ('pay_pin', 'pay_sent') AND expires_at > $4)
            """);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(conversation);
        cmd.Parameters.AddWithValue(phone);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public async Task<ChatAnswer> HandleAsync(ChatTurn turn, CancellationToken ct)
    {
        var language = await LanguageAsync(turn.Phone, ct);
        // "JOIN K7P2QX" (or JIUNGE): joining is a form on the web, so the answer is a link to it.
        if (turn.Channel != ChatChannels.Ussd && JoinCode(turn.Input) is { } code)
            return await LinkAnswerAsync(turn, language, LinkPurposes.Join, "/groups/join?code=" + Uri.EscapeDataString(code), "chat.join", ct);
        var memberships = await MembershipsAsync(turn.Phone, ct);
        if (memberships.Count == 0)
            return await StrangerAsync(turn, language, ct);

        var session = await LoadSessionAsync(turn, ct);
        if (session.GroupId is { } chosen && memberships.All(m => m.GroupId != chosen))
            session.GroupId = null; // no longer a member there
        if (session.GroupId is null && memberships.Count == 1)
            session.GroupId = memberships[0].GroupId;

        var answer = await AnswerAsync(turn, session, memberships, language, ct);
        await SaveSessionAsync(turn, session, answer.End, ct);
        return answer;
    }

    private async Task<ChatAnswer> AnswerAsync(ChatTurn turn, Session session, IReadOnlyList<Membership> memberships, string language, CancellationToken ct)
    {
        var ussd = turn.Channel == ChatChannels.Ussd;
        var input = Normalize(turn.Input);

        if (ussd && turn.Start)
        {
            session.Step = Steps.Home;
            session.Data.Clear();
            return session.GroupId is null ? ChooseGroup(session, memberships, language, Action.Menu, ussd) : ShowMenu(session, memberships, language);
        }

        // A step waiting for an answer takes it, unless (in a chat) the member moved on to a command.
        var word = Words.TryGetValue(input, out var a) ? a : (Action?)null;
        if (input == "0" && session.Step is Steps.PayAmount or Steps.PayPin or Steps.Language or Steps.ChooseGroup)
        {
            Reset(session);
            return Reply(MessageTexts.Render("chat.cancelled", language), ussd, end: true);
        }
        switch (session.Step)
        {
            case Steps.ChooseGroup when ussd || word is null:
                if (!int.TryParse(input, NumberStyles.None, CultureInfo.InvariantCulture, out var pick) || pick < 1 || pick > memberships.Count)
                    return Reply(MessageTexts.Render("chat.choice.invalid", language) + "\n" + GroupList(memberships), ussd, end: false);
                session.GroupId = memberships[pick - 1].GroupId;
                var next = Enum.TryParse<Action>(session.Data.GetValueOrDefault("next"), out var n) ? n : Action.Menu;
                Reset(session);
                return await RunAsync(next, turn, session, memberships, language, ct);
            case Steps.PayAmount when ussd || word is null:
                return await PayAmountAsync(turn, session, Current(session, memberships), language, input, ct);
            case Steps.PaySent when (ussd || word is null) && LooksLikePin(input):
                return Reply(MessageTexts.Render("chat.pay.already", language), ussd, end: true) with { Secret = true };
            case Steps.PayPin when ussd || word is null:
                return await PayPinAsync(turn, session, Current(session, memberships), language, input, ct);
            case Steps.Language when ussd || word is null:
                return await ChooseLanguageAsync(turn, session, language, input, ct);
            case Steps.Menu when ussd:
                return await RunAsync(MenuAction(input, memberships.Count) ?? Action.Help, turn, session, memberships, language, ct);
        }

        // A chat: a command word, or a menu number.
        var action = word ?? MenuAction(input, memberships.Count);
        if (action is null)
        {
            Reset(session);
            return Reply(MessageTexts.Render("chat.help", language), ussd, end: true);
        }
        return await RunAsync(action.Value, turn, session, memberships, language, ct);
    }

    private async Task<ChatAnswer> RunAsync(Action action, ChatTurn turn, Session session, IReadOnlyList<Membership> memberships, string language,
        CancellationToken ct)
    {
        var ussd = turn.Channel == ChatChannels.Ussd;
        Reset(session);
        switch (action)
        {
            case Action.Help:
                return Reply(MessageTexts.Render("chat.help", language), ussd, end: true);
            case Action.Language:
                session.Step = Steps.Language;
                return Reply(MessageTexts.Render("chat.language.choose", language, new Dictionary<string, string>
                {
                    ["list"] = MessageTexts.NumberedList(Languages.Offered.Select(l => l.Name)),
                }), ussd, end: false);
            case Action.SwitchGroup:
                return ChooseGroup(session, memberships, language, Action.Menu, ussd);
        }
        if (session.GroupId is null)
            return ChooseGroup(session, memberships, language, action, ussd);
        var member = Current(session, memberships);
        return action switch
        {
            Action.Menu => ShowMenu(session, memberships, language),
            Action.Balance => Reply(await BalanceAsync(member, language, ct), ussd, end: true),
            Action.Due => Reply(await DueAsync(member, language, ct), ussd, end: true),
            Action.Payout => Reply(await PayoutAsync(member, language, ct), ussd, end: true),
            Action.Statement => Reply(await StatementAsync(member, language, ussd, ct), ussd, end: true),
            Action.Pay => await StartPayAsync(turn, session, member, language, ct),
            _ => Reply(MessageTexts.Render("chat.help", language), ussd, end: true),
        };
    }

    // ---- Menus ----

    private static ChatAnswer ShowMenu(Session session, IReadOnlyList<Membership> memberships, string language)
    {
        var member = memberships.First(m => m.GroupId == session.GroupId);
        session.Step = Steps.Menu;
        return new ChatAnswer(MessageTexts.Render("chat.menu", language, new Dictionary<string, string>
        {
            ["group"] = member.GroupName,
            ["switch"] = memberships.Count > 1 ? MessageTexts.Render("chat.menu.switch", language) : "",
        }), End: false);
    }

    private static ChatAnswer ChooseGroup(Session session, IReadOnlyList<Membership> memberships, string language, Action next, bool ussd)
    {
        session.Step = Steps.ChooseGroup;
        session.Data["next"] = next.ToString();
        return Reply(MessageTexts.Render("chat.choose_group", language, new Dictionary<string, string> { ["list"] = GroupList(memberships) }), ussd, end: false);
    }

    /// Names cut to 24 characters: nine of them must fit a USSD screen.
    private static string GroupList(IReadOnlyList<Membership> memberships) => MessageTexts.NumberedList(memberships.Select(m => Short(m.GroupName, 24)));

    private static Action? MenuAction(string input, int groups) => input switch
    {
        "1" => Action.Balance,
        "2" => Action.Due,
        "3" => Action.Pay,
        "4" => Action.Payout,
        "5" => Action.Statement,
        "6" => Action.Language,
        "7" when groups > 1 => Action.SwitchGroup,
        "0" => Action.Help,
        _ => null,
    };

    private async Task<ChatAnswer> ChooseLanguageAsync(ChatTurn turn, Session session, string language, string input, CancellationToken ct)
    {
        var offered = Languages.Offered;
        var ussd = turn.Channel == ChatChannels.Ussd;
        if (!int.TryParse(input, NumberStyles.None, CultureInfo.InvariantCulture, out var pick) || pick < 1 || pick > offered.Count)
            return Reply(MessageTexts.Render("chat.choice.invalid", language) + "\n" + MessageTexts.NumberedList(offered.Select(l => l.Name)), ussd, end: false);
        var chosen = offered[pick - 1].Code;
        await using (var cmd = db.CreateCommand("""
            INSERT INTO contact_preferences (phone, language, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (phone) DO UPDATE SET language = EXCLUDED.language, updated_at = EXCLUDED.updated_at
            """))
        {
            cmd.Parameters.AddWithValue(turn.Phone);
            cmd.Parameters.AddWithValue(chosen);
            cmd.Parameters.AddWithValue(clock.GetUtcNow());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        Reset(session);
        return Reply(MessageTexts.Render("chat.language.set", chosen), ussd, end: true);
    }

    // ---- Information ----

    private async Task<string> BalanceAsync(Membership m, string language, CancellationToken ct)
    {
        var balances = await ledger.BalancesAsync(Context(m), ct);
        var mine = balances.Members.FirstOrDefault(b => b.MemberId == m.MemberId);
        var outstanding = await OutstandingAsync(m, ct);
        return MessageTexts.Render("chat.balance", language, new Dictionary<string, string>
        {
            ["group"] = m.GroupName,
            ["contributed"] = m.Currency.Format(mine?.Contributed ?? 0),
            ["received"] = m.Currency.Format(mine?.Received ?? 0),
            ["owed"] = m.Currency.Format(outstanding + (mine?.Owed ?? 0)),
        });
    }

    private async Task<long> OutstandingAsync(Membership m, CancellationToken ct) =>
        (await schedules.ObligationsAsync(m.GroupId, null, m.MemberId, ct)).Where(o => o.Status != "paid").Sum(o => Math.Max(0, o.Amount - o.Paid));

    private async Task<string> DueAsync(Membership m, string language, CancellationToken ct)
    {
        var next = (await schedules.ObligationsAsync(m.GroupId, null, m.MemberId, ct)).Where(o => o.Status != "paid").OrderBy(o => o.DueOn).FirstOrDefault();
        if (next is null)
            return MessageTexts.Render("chat.due.none", language, new Dictionary<string, string> { ["group"] = m.GroupName });
        return MessageTexts.Render(next.Status == "overdue" ? "chat.due.overdue" : "chat.due", language, new Dictionary<string, string>
        {
            ["group"] = m.GroupName,
            ["amount"] = m.Currency.Format(next.Amount - next.Paid),
            ["due"] = MessageTexts.Iso(next.DueOn),
            ["period"] = next.Period.ToString(CultureInfo.InvariantCulture),
        });
    }

    private async Task<string> PayoutAsync(Membership m, string language, CancellationToken ct)
    {
        var view = await schedules.ScheduleAsync(m.GroupId, null, null, ct);
        var next = view.Periods.FirstOrDefault(p => p.EndsOn >= view.Today && p.RecipientMemberId is not null && p.Status is not ("paid_out" or "skipped" or "payout_voided"));
        if (next is null)
            return MessageTexts.Render("chat.payout.none", language, new Dictionary<string, string> { ["group"] = m.GroupName });
        string who;
        if (next.RecipientMemberId == m.MemberId)
            who = MessageTexts.Render("chat.payout.you", language);
        else
        {
            await using var cmd = db.CreateCommand("SELECT full_name FROM group_members WHERE id = $1 AND group_id = $2");
            cmd.Parameters.AddWithValue(next.RecipientMemberId!.Value);
            cmd.Parameters.AddWithValue(m.GroupId);
            who = await cmd.ExecuteScalarAsync(ct) as string ?? "?";
        }
        return MessageTexts.Render("chat.payout", language, new Dictionary<string, string>
        {
            ["group"] = m.GroupName,
            ["period"] = next.Period.ToString(CultureInfo.InvariantCulture),
            ["who"] = who,
            ["date"] = MessageTexts.Iso(next.DueOn),
        });
    }

    private async Task<string> StatementAsync(Membership m, string language, bool ussd, CancellationToken ct)
    {
        var statement = await ledger.StatementAsync(Context(m), m.MemberId, null, null, ct);
        if (statement.Entries.Count == 0)
            return MessageTexts.Render("chat.statement.none", language, new Dictionary<string, string> { ["group"] = m.GroupName });
        // A USSD screen holds about 182 characters: five lines fit only written short.
        var lines = statement.Entries.TakeLast(StatementLines).Reverse().Select(e => ussd
            ? $"{e.EffectiveOn.ToString("d MMM", CultureInfo.InvariantCulture)} {Short(e.Memo, 10)} {(e.Amount >= 0 ? "+" : "-")}{Major(Math.Abs(e.Amount), m.Currency)}"
            : $"{MessageTexts.Date(e.EffectiveOn, language)} {Short(e.Memo, 24)} {(e.Amount >= 0 ? "+" : "")}{m.Currency.Format(e.Amount)}");
        return MessageTexts.Render("chat.statement", language, new Dictionary<string, string>
        {
            ["group"] = ussd ? Short(m.GroupName, 20) : m.GroupName,
            ["lines"] = string.Join("\n", lines),
        });
    }

    // ---- Pay now ----

    private async Task<ChatAnswer> StartPayAsync(ChatTurn turn, Session session, Membership m, string language, CancellationToken ct)
    {
        var ussd = turn.Channel == ChatChannels.Ussd;
        if (m.Status is not ("active" or "suspended"))
            return Reply(MessageTexts.Render("chat.member.inactive", language, new Dictionary<string, string> { ["group"] = m.GroupName, ["status"] = m.Status }), ussd, end: true);
        if (m.UserId is not { } userId)
            return await LinkAnswerAsync(turn, language, LinkPurposes.Register, RegisterTarget(turn.Phone), "chat.account.missing", ct);
        if (!await pins.IsSetAsync(userId, ct))
            return await LinkAnswerAsync(turn, language, LinkPurposes.SetPin, "/account/chat-pin", "chat.pin.missing", ct);
        var owed = await OutstandingAsync(m, ct);
        session.Step = Steps.PayAmount;
        return Reply(MessageTexts.Render("chat.pay.amount", language, new Dictionary<string, string>
        {
            ["group"] = m.GroupName,
            ["owed"] = m.Currency.Format(owed),
            ["example"] = owed > 0 ? Major(owed, m.Currency) : "100",
        }), ussd, end: false);
    }

    private Task<ChatAnswer> PayAmountAsync(ChatTurn turn, Session session, Membership m, string language, string input, CancellationToken ct)
    {
        _ = ct;
        var ussd = turn.Channel == ChatChannels.Ussd;
        if (!MoneyInput.TryParse(input, m.Currency, out var amount, out _) || amount <= 0 || amount > GroupSettingsRules.MaxAmount)
            return Task.FromResult(Reply(MessageTexts.Render("chat.amount.invalid", language, new Dictionary<string, string>
            {
                ["example"] = "100",
            }), ussd, end: false));
        var provider = gateways.Providers.FirstOrDefault(p =>
            gateways.Find(p) is { } g && g.Refuse(PaymentDirection.Collection, turn.Phone, amount, m.Currency.Code) is null);
        if (provider is null)
        {
            Reset(session);
            return Task.FromResult(Reply(MessageTexts.Render("chat.pay.unavailable", language), ussd, end: true));
        }
        session.Step = Steps.PayPin;
        session.Data["amount"] = amount.ToString(CultureInfo.InvariantCulture);
        session.Data["provider"] = provider;
        // What the member confirms: this group, this amount, once (the intent is the payment's
        // idempotency key, and the step is consumed before the payment is asked for).
        session.Data["group"] = m.GroupId.ToString("D");
        session.Data["intent"] = Guid.NewGuid().ToString("N");
        return Task.FromResult(Reply(MessageTexts.Render("chat.pay.confirm", language, new Dictionary<string, string>
        {
            ["group"] = m.GroupName,
            ["amount"] = m.Currency.Format(amount),
            ["provider"] = PaymentBook.Name(provider),
            ["phone"] = PhoneNumber.TryParse(turn.Phone, out var p) ? p.Masked() : turn.Phone,
        }), ussd, end: false));
    }

    private async Task<ChatAnswer> PayPinAsync(ChatTurn turn, Session session, Membership m, string language, string input, CancellationToken ct)
    {
        var ussd = turn.Channel == ChatChannels.Ussd;
        if (m.UserId is not { } userId
            || !long.TryParse(session.Data.GetValueOrDefault("amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || session.Data.GetValueOrDefault("provider") is not { } provider
            || session.Data.GetValueOrDefault("intent") is not { } intent
            || session.Data.GetValueOrDefault("group") != m.GroupId.ToString("D"))
        {
            // The confirmed group is no longer this member's (or the step is damaged): start over.
            Reset(session);
            return Reply(MessageTexts.Render("chat.help", language), ussd, end: true) with { Secret = true };
        }
        // Only something that looks like a PIN is tried (and counted): a sticker or "ok" is not a wrong PIN.
        if (!LooksLikePin(input))
            return Reply(MessageTexts.Render("chat.pin.ask", language), ussd, end: false) with { Secret = true };
        var check = await pins.CheckAsync(userId, input, ct);
        switch (check.Outcome)
        {
            case PinCheck.Wrong:
                return Reply(MessageTexts.Render("chat.pin.wrong", language, new Dictionary<string, string>
                {
                    ["left"] = check.AttemptsLeft.ToString(CultureInfo.InvariantCulture),
                }), ussd, end: false) with { Secret = true };
            case PinCheck.Locked when check.LockedUntil == DateTimeOffset.MaxValue:
                Reset(session);
                return (await LinkAnswerAsync(turn, language, LinkPurposes.SetPin, "/account/chat-pin", "chat.pin.disabled", ct)) with { Secret = true };
            case PinCheck.Locked:
                Reset(session);
                return (await LinkAnswerAsync(turn, language, LinkPurposes.SetPin, "/account/chat-pin", "chat.pin.locked", ct,
                    new Dictionary<string, string> { ["minutes"] = Minutes(check.LockedUntil!.Value - clock.GetUtcNow()) })) with { Secret = true };
            case PinCheck.NotSet:
                Reset(session);
                return (await LinkAnswerAsync(turn, language, LinkPurposes.SetPin, "/account/chat-pin", "chat.pin.missing", ct)) with { Secret = true };
        }

        // The PIN is right. Consume the step first: of two deliveries (or two messages) confirming
        // the same payment, only one gets past here; then ask the provider, once per intent.
        Reset(session);
        session.Step = Steps.PaySent;
        if (!await ConsumePayStepAsync(turn, intent, ct))
            return Reply(MessageTexts.Render("chat.pay.already", language), ussd, end: true) with { Secret = true };
        var caller = Context(m);
        var request = new CollectionRequest(m.MemberId, amount, provider, null);
        var canonical = string.Join("\n", "chat/pay", m.GroupId.ToString("D"), amount.ToString(CultureInfo.InvariantCulture), provider);
        var key = new IdempotencyKey(userId, "chat:pay:" + intent, SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var result = MoneyResult.From(await money.RunAsync(key, (c, tx) => collect.HandleAsync(c, tx, caller, request, ct), ct));
        paymentSignal.Notify();
        if (!result.Created)
        {
            Reset(session);
            return Reply(MessageTexts.Render("chat.pay.refused", language, new Dictionary<string, string> { ["reason"] = string.Join(" ", result.Messages()) }),
                ussd, end: true) with { Secret = true };
        }
        return Reply(MessageTexts.Render("chat.pay.started", language, new Dictionary<string, string>
        {
            ["amount"] = m.Currency.Format(amount),
            ["provider"] = PaymentBook.Name(provider),
        }), ussd, end: true) with { Secret = true };
    }

    private async Task<bool> ConsumePayStepAsync(ChatTurn turn, string intent, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE chat_sessions SET step = 'pay_sent', data = '{}'::jsonb, updated_at = $4
             WHERE channel = $1 AND conversation = $2 AND step = 'pay_pin' AND data->>'intent' = $3
            """);
        cmd.Parameters.AddWithValue(turn.Channel);
        cmd.Parameters.AddWithValue(turn.Conversation);
        cmd.Parameters.AddWithValue(intent);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    // ---- Links and strangers ----

    /// A complex step happens on the web: a chat gets the link in its reply; USSD cannot show
    /// one, so it goes by SMS and the screen says so.
    private async Task<ChatAnswer> LinkAnswerAsync(ChatTurn turn, string language, string purpose, string target, string textKey, CancellationToken ct,
        Dictionary<string, string>? values = null)
    {
        var link = await links.CreateAsync(turn.Phone, purpose, target, ct);
        values ??= [];
        values["minutes"] = values.GetValueOrDefault("minutes") ?? Minutes(links.Lifetime);
        if (turn.Channel != ChatChannels.Ussd)
        {
            values["link"] = link;
            return new ChatAnswer(MessageTexts.Render(textKey, language, values), End: true);
        }
        await SendLinkBySmsAsync(turn.Phone, purpose, link, ct);
        return new ChatAnswer(MessageTexts.Render(textKey + ".ussd", language, values), End: true);
    }

    /// At most one such SMS per phone and step in a link's lifetime: dialling again and again
    /// must not cost an SMS each time (the link sent first still works).
    private async Task SendLinkBySmsAsync(string phone, string purpose, string link, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            INSERT INTO notification_outbox (id, channel, recipient, template, params, urgent, sensitive, status, attempts, next_attempt_at, created_at)
            SELECT $1, 'sms', $2, $3, $4::jsonb, true, true, 'pending', 0, $5, $5
             WHERE NOT EXISTS (SELECT 1 FROM notification_outbox WHERE recipient = $2 AND template = $3 AND created_at > $6)
            """);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7(now));
        cmd.Parameters.AddWithValue(phone);
        cmd.Parameters.AddWithValue("link." + purpose);
        cmd.Parameters.AddWithValue(Notices.Json(new Dictionary<string, string> { ["link"] = link, ["minutes"] = Minutes(links.Lifetime) }));
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now - links.Lifetime);
        await cmd.ExecuteNonQueryAsync(ct);
        outboxSignal.Notify();
    }

    private async Task<ChatAnswer> StrangerAsync(ChatTurn turn, string language, CancellationToken ct)
    {
        var link = await links.CreateAsync(turn.Phone, LinkPurposes.Register, RegisterTarget(turn.Phone), ct);
        if (turn.Channel == ChatChannels.Ussd)
        {
            await SendLinkBySmsAsync(turn.Phone, LinkPurposes.Register, link, ct);
            return new ChatAnswer(MessageTexts.Render("chat.stranger.ussd", language), End: true);
        }
        return new ChatAnswer(MessageTexts.Render("chat.stranger", language, new Dictionary<string, string> { ["link"] = link }), End: true);
    }

    private static string RegisterTarget(string phone) => "/account/register?phone=" + Uri.EscapeDataString(phone);

    // ---- State ----

    private async Task<IReadOnlyList<Membership>> MembershipsAsync(string phone, CancellationToken ct)
    {
        var found = new List<Membership>();
        await using var cmd = db.CreateCommand("""
            SELECT g.id, g.name, m.id, m.user_id, m.role, m.status, g.currency
              FROM group_members m JOIN groups g ON g.id = m.group_id
             WHERE m.phone = $1 AND m.status IN ('active', 'suspended')
             ORDER BY m.created_at, g.name
             LIMIT 9
            """);
        cmd.Parameters.AddWithValue(phone);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(new Membership(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                Enum.Parse<GroupRole>(reader.GetString(4), ignoreCase: true), reader.GetString(5), Currency.Get(reader.GetString(6).Trim())));
        return found;
    }

    private async Task<string> LanguageAsync(string phone, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT language FROM contact_preferences WHERE phone = $1");
        cmd.Parameters.AddWithValue(phone);
        return Languages.Normalize(await cmd.ExecuteScalarAsync(ct) as string);
    }

    private async Task<Session> LoadSessionAsync(ChatTurn turn, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT step, group_id, data::text FROM chat_sessions WHERE channel = $1 AND conversation = $2 AND phone = $3 AND expires_at > $4
            """);
        cmd.Parameters.AddWithValue(turn.Channel);
        cmd.Parameters.AddWithValue(turn.Conversation);
        cmd.Parameters.AddWithValue(turn.Phone);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return new Session();
        return new Session
        {
            Step = reader.GetString(0),
            GroupId = reader.IsDBNull(1) ? null : reader.GetGuid(1),
            Data = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2)) ?? [],
            Exists = true,
        };
    }

    private async Task SaveSessionAsync(ChatTurn turn, Session session, bool ended, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A USSD session that ended is over; a chat keeps its chosen group for the next message.
        if (ended && turn.Channel == ChatChannels.Ussd)
        {
            await using var delete = db.CreateCommand("DELETE FROM chat_sessions WHERE channel = $1 AND conversation = $2");
            delete.Parameters.AddWithValue(turn.Channel);
            delete.Parameters.AddWithValue(turn.Conversation);
            await delete.ExecuteNonQueryAsync(ct);
            return;
        }
        await using var cmd = db.CreateCommand("""
            INSERT INTO chat_sessions (channel, conversation, phone, group_id, step, data, turn, expires_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, 1, $7, $8)
            ON CONFLICT (channel, conversation) DO UPDATE
               SET phone = EXCLUDED.phone, group_id = EXCLUDED.group_id, step = EXCLUDED.step, data = EXCLUDED.data,
                   turn = chat_sessions.turn + 1, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
            """);
        cmd.Parameters.AddWithValue(turn.Channel);
        cmd.Parameters.AddWithValue(turn.Conversation);
        cmd.Parameters.AddWithValue(turn.Phone);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)session.GroupId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        cmd.Parameters.AddWithValue(session.Step);
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(session.Data));
        cmd.Parameters.AddWithValue(now + options.Value.SessionLifetime);
        cmd.Parameters.AddWithValue(now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // ---- Helpers ----

    /// The invite code of "join CODE" / "jiunge CODE" (letters and digits, 4 to 16), else null.
    private static string? JoinCode(string? text)
    {
        var words = Normalize(text).Split(' ');
        if (words.Length != 2 || words[0] is not ("join" or "jiunge")) return null;
        var code = words[1].ToUpperInvariant();
        return code.Length is >= 4 and <= 16 && code.All(char.IsAsciiLetterOrDigit) ? code : null;
    }

    private static bool LooksLikePin(string input) => input.Length is >= 4 and <= 6 && input.All(char.IsAsciiDigit);

    private static void Reset(Session session)
    {
        session.Step = Steps.Home;
        session.Data.Clear();
    }

    private static Membership Current(Session session, IReadOnlyList<Membership> memberships) =>
        memberships.FirstOrDefault(m => m.GroupId == session.GroupId) ?? memberships[0];

    private static GroupContext Context(Membership m) => new(m.GroupId, m.MemberId, m.UserId ?? Guid.Empty, m.Role);

    /// A chat reply that ends the USSD session when `end` (chats have no sessions to end).
    private static ChatAnswer Reply(string text, bool ussd, bool end) => new(text, End: ussd && end);

    /// Lower case, trimmed, inner spaces collapsed, trailing punctuation dropped: "Pay now!" → "pay now".
    private static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var trimmed = string.Join(' ', text.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return trimmed.Length > 1 ? trimmed.TrimEnd('!', '.', ',') : trimmed;
    }

    private static string Short(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Minutes(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    /// An amount as a member types it: "500", or "1.25" when there are cents (the ledger's
    /// decimal form without a fraction of zeros).
    private static string Major(long minor, Currency currency)
    {
        var text = StatementCsv.Decimal(minor, currency);
        return text.Contains('.', StringComparison.Ordinal) && text.TrimEnd('0').EndsWith('.') ? text[..text.IndexOf('.', StringComparison.Ordinal)] : text;
    }
}
