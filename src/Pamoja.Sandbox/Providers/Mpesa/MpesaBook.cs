namespace Pamoja.Sandbox.Providers.Mpesa;

// One STK push the sandbox accepted. Its outcome is fixed at acceptance (by the phone script) and
// takes effect at CompletesAt; until then it is pending and holds the subscriber lock.
public sealed class StkPush
{
    private int _callbacksSent;
    private int _callbacksDelivered;

    public required string MerchantRequestId { get; init; }
    public required string CheckoutRequestId { get; init; }
    public required string Phone { get; init; }
    public required long Amount { get; init; }
    public required string AccountReference { get; init; }
    public required Uri CallbackUrl { get; init; }
    public required MpesaOutcome Outcome { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    public required DateTimeOffset CompletesAt { get; init; }
    public string? Receipt { get; init; }

    public int CallbacksSent => Volatile.Read(ref _callbacksSent);
    public int CallbacksDelivered => Volatile.Read(ref _callbacksDelivered);

    public bool IsPending(DateTimeOffset now) => now < CompletesAt;

    public bool MoneyMoved(DateTimeOffset now) => !IsPending(now) && Outcome.Pays();

    public void CountCallback(bool delivered)
    {
        Interlocked.Increment(ref _callbacksSent);
        if (delivered)
        {
            Interlocked.Increment(ref _callbacksDelivered);
        }
    }
}

// One B2C payment request the sandbox accepted (duplicates are refused before they get here).
public sealed class B2cPayment
{
    private int _callbacksSent;
    private int _callbacksDelivered;

    public required string OriginatorConversationId { get; init; }
    public required string ConversationId { get; init; }
    public required string CommandId { get; init; }
    public required string Phone { get; init; }
    public required long Amount { get; init; }
    public required string Remarks { get; init; }
    public string? Occasion { get; init; }
    public required Uri ResultUrl { get; init; }
    public required Uri QueueTimeOutUrl { get; init; }
    public required MpesaOutcome Outcome { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    public required DateTimeOffset CompletesAt { get; init; }

    // M-Pesa numbers failed transactions too; only a paid one's id is a receipt.
    public required string TransactionId { get; init; }

    // The utility account's balance after this payment, for the result's cosmetic balances.
    public decimal UtilityBalanceAfter { get; set; }

    public int CallbacksSent => Volatile.Read(ref _callbacksSent);
    public int CallbacksDelivered => Volatile.Read(ref _callbacksDelivered);

    public bool IsPending(DateTimeOffset now) => now < CompletesAt;

    public bool MoneyMoved(DateTimeOffset now) => !IsPending(now) && Outcome.Pays();

    public void CountCallback(bool delivered)
    {
        Interlocked.Increment(ref _callbacksSent);
        if (delivered)
        {
            Interlocked.Increment(ref _callbacksDelivered);
        }
    }
}

// One C2B payment simulated by POST /mpesa/c2b/v2/simulate.
public sealed class C2bPayment
{
    private int _callbacksSent;
    private int _callbacksDelivered;
    private volatile string _state = "pending";

    public required string TransId { get; init; }
    public required string ShortCode { get; init; }
    public required string CommandId { get; init; }
    public required string Phone { get; init; }
    public required long Amount { get; init; }
    public required string BillRefNumber { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }

    // pending → accepted | rejected | accepted_by_default | cancelled_by_default.
    public string State
    {
        get => _state;
        set => _state = value;
    }

    public bool MoneyMoved => State is "accepted" or "accepted_by_default";

    public int CallbacksSent => Volatile.Read(ref _callbacksSent);
    public int CallbacksDelivered => Volatile.Read(ref _callbacksDelivered);

    public void CountCallback(bool delivered)
    {
        Interlocked.Increment(ref _callbacksSent);
        if (delivered)
        {
            Interlocked.Increment(ref _callbacksDelivered);
        }
    }
}

public sealed record C2bRegistration(string ShortCode, string ResponseType, Uri ConfirmationUrl, Uri? ValidationUrl);

// Everything the fake M-Pesa knows, in memory: lost on restart, bounded so a long demo cannot
// grow it without limit (the oldest entries go first; a B2C id evicted that way would no
// longer be recognised as a duplicate, which a sandbox can live with).
public sealed class MpesaBook(TimeProvider time)
{
    public const int Capacity = 10_000;

    // The B2C utility account starts with a plausible float and only goes down.
    private decimal _utilityBalance = 10_000_000m;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StkPush> _stkById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StkPush> _latestStkByPhone = new(StringComparer.Ordinal);
    private readonly Queue<StkPush> _stkOrder = new();
    private readonly Dictionary<string, B2cPayment> _b2cById = new(StringComparer.Ordinal);
    private readonly Queue<B2cPayment> _b2cOrder = new();
    private readonly Dictionary<string, object> _byTransactionId = new(StringComparer.Ordinal);
    private readonly Queue<C2bPayment> _c2bOrder = new();
    private readonly Dictionary<string, C2bRegistration> _registrations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _paybillBalances = new(StringComparer.Ordinal);

    // Adds the push unless another push to the same phone is still pending: Daraja's
    // subscriber lock (protocols.md §1.2).
    public bool TryAddStk(StkPush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_latestStkByPhone.TryGetValue(push.Phone, out var latest) && latest.IsPending(now))
            {
                return false;
            }
            _latestStkByPhone[push.Phone] = push;
            _stkById[push.CheckoutRequestId] = push;
            if (push.Receipt is not null)
            {
                _byTransactionId[push.Receipt] = push;
            }
            _stkOrder.Enqueue(push);
            if (_stkOrder.Count > Capacity)
            {
                var old = _stkOrder.Dequeue();
                _stkById.Remove(old.CheckoutRequestId);
                if (old.Receipt is not null)
                {
                    _byTransactionId.Remove(old.Receipt);
                }
                if (_latestStkByPhone.TryGetValue(old.Phone, out var l) && ReferenceEquals(l, old))
                {
                    _latestStkByPhone.Remove(old.Phone);
                }
            }
            return true;
        }
    }

    public StkPush? FindStk(string checkoutRequestId)
    {
        lock (_gate)
        {
            return _stkById.GetValueOrDefault(checkoutRequestId);
        }
    }

    // Adds the payment unless its OriginatorConversationID was seen before (protocols.md §1.4:
    // the duplicate is refused and nothing is paid). Debits the utility account when it pays.
    public bool TryAddB2c(B2cPayment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        lock (_gate)
        {
            if (_b2cById.ContainsKey(payment.OriginatorConversationId))
            {
                return false;
            }
            if (payment.Outcome.Pays())
            {
                _utilityBalance -= payment.Amount;
            }
            payment.UtilityBalanceAfter = _utilityBalance;
            _b2cById[payment.OriginatorConversationId] = payment;
            _byTransactionId[payment.TransactionId] = payment;
            _b2cOrder.Enqueue(payment);
            if (_b2cOrder.Count > Capacity)
            {
                var old = _b2cOrder.Dequeue();
                _b2cById.Remove(old.OriginatorConversationId);
                _byTransactionId.Remove(old.TransactionId);
            }
            return true;
        }
    }

    public B2cPayment? FindB2c(string originatorConversationId)
    {
        lock (_gate)
        {
            return _b2cById.GetValueOrDefault(originatorConversationId);
        }
    }

    // By M-Pesa transaction id (a receipt): an StkPush, a B2cPayment or a C2bPayment.
    public object? FindTransaction(string transactionId)
    {
        lock (_gate)
        {
            return _byTransactionId.GetValueOrDefault(transactionId);
        }
    }

    public void AddC2b(C2bPayment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        lock (_gate)
        {
            _byTransactionId[payment.TransId] = payment;
            _c2bOrder.Enqueue(payment);
            if (_c2bOrder.Count > Capacity)
            {
                _byTransactionId.Remove(_c2bOrder.Dequeue().TransId);
            }
        }
    }

    // Sandbox behaviour: registering again replaces the URLs. Production refuses a second
    // registration (500.003.1001 "Urls are already registered", protocols.md §1.6); a sandbox
    // that did so would force a restart between demo runs.
    public void Register(C2bRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (_gate)
        {
            _registrations[registration.ShortCode] = registration;
        }
    }

    public C2bRegistration? Registration(string shortCode)
    {
        lock (_gate)
        {
            return _registrations.GetValueOrDefault(shortCode);
        }
    }

    // The paybill's running balance after a C2B payment (the confirmation's OrgAccountBalance).
    public decimal CreditPaybill(string shortCode, long amount)
    {
        lock (_gate)
        {
            var balance = _paybillBalances.GetValueOrDefault(shortCode) + amount;
            _paybillBalances[shortCode] = balance;
            return balance;
        }
    }

    public (IReadOnlyList<StkPush> Stk, IReadOnlyList<B2cPayment> B2c, IReadOnlyList<C2bPayment> C2b) Snapshot()
    {
        lock (_gate)
        {
            return (_stkOrder.ToArray(), _b2cOrder.ToArray(), _c2bOrder.ToArray());
        }
    }
}
