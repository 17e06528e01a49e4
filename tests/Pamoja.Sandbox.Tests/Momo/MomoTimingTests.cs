using System.Net;
using System.Text.Json.Nodes;
using Pamoja.Sandbox.Providers.Momo;

namespace Pamoja.Sandbox.Tests.Momo;

// Everything that depends on time passing, on a hand-driven clock: what is PENDING stays PENDING
// until the clock says otherwise, with no race against the machine's speed.
public sealed class MomoTimingTests
{
    public static TheoryData<MomoProduct> Products() => new() { MomoProduct.Collection, MomoProduct.Disbursement };

    [Theory]
    [MemberData(nameof(Products))]
    public async Task RequestIsPendingUntilTheOutcomeDelayThenFinal(MomoProduct product)
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        var id = await sandbox.PayAsync(product, MomoTestSandbox.FreshMsisdn());

        var pending = await sandbox.StatusAsync(product, id);
        Assert.Equal("PENDING", pending.GetProperty("status").GetString());
        Assert.False(pending.TryGetProperty("financialTransactionId", out _));
        Assert.False(pending.TryGetProperty("reason", out _));
        Assert.False((await sandbox.TransactionAsync(id)).GetProperty("moneyMoved").GetBoolean());

        clock.Advance(MomoTestSandbox.OutcomeDelay);

        Assert.Equal("SUCCESSFUL", (await sandbox.StatusAsync(product, id)).GetProperty("status").GetString());
        Assert.True((await sandbox.TransactionAsync(id)).GetProperty("moneyMoved").GetBoolean());
        Assert.Equal("SUCCESSFUL", JsonNode.Parse(Assert.Single(await sandbox.Receiver.WaitForAsync(id)).Body)!["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task OngoingNumberStaysPendingForEverWithoutACallback(MomoProduct product)
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        var ongoing = await sandbox.PayAsync(product, "46733123453");
        var control = await sandbox.PayAsync(product, MomoTestSandbox.FreshMsisdn());

        clock.Advance(TimeSpan.FromDays(30));
        await sandbox.RenewTokensAsync();

        await sandbox.Receiver.WaitForAsync(control);
        Assert.Equal("PENDING", (await sandbox.StatusAsync(product, ongoing)).GetProperty("status").GetString());
        Assert.Empty(sandbox.Receiver.For(ongoing));
        var transaction = await sandbox.TransactionAsync(ongoing);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, transaction.GetProperty("outcomeAt").ValueKind);
    }

    [Fact]
    public async Task AClockJumpWhileTheSenderArmsItsTimerDoesNotLoseTheCallback()
    {
        // The callback sender reads the clock, then arms a timer for the head's due time. A test
        // that moves the clock between the two (seen once in a full run) armed it a whole jump
        // late, and the callback never came.
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        clock.OnNextTimer = () => clock.Advance(TimeSpan.FromDays(1));

        var control = await sandbox.PayAsync(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn());

        Assert.Equal("SUCCESSFUL", JsonNode.Parse(Assert.Single(await sandbox.Receiver.WaitForAsync(control)).Body)!["status"]!.GetValue<string>());
        Assert.Null(clock.OnNextTimer);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task DelayedNumberStaysPendingLongerThenSucceeds(MomoProduct product)
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        var delayed = await sandbox.PayAsync(product, "46733123454");
        var control = await sandbox.PayAsync(product, MomoTestSandbox.FreshMsisdn());

        clock.Advance(MomoTestSandbox.OutcomeDelay);
        await sandbox.Receiver.WaitForAsync(control);
        Assert.Equal("PENDING", (await sandbox.StatusAsync(product, delayed)).GetProperty("status").GetString());
        Assert.Empty(sandbox.Receiver.For(delayed));

        clock.Advance(MomoTestSandbox.DelayedOutcomeDelay);

        var status = await sandbox.StatusAsync(product, delayed);
        Assert.Equal("SUCCESSFUL", status.GetProperty("status").GetString());
        Assert.True(status.TryGetProperty("financialTransactionId", out _));
        Assert.Equal("SUCCESSFUL", JsonNode.Parse(Assert.Single(await sandbox.Receiver.WaitForAsync(delayed)).Body)!["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task LateCallbackComesLateCallbackDelayAfterTheOutcome(MomoProduct product)
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        var late = await sandbox.PayAsync(product, MomoScripts.LateCallback);
        var control = await sandbox.PayAsync(product, MomoTestSandbox.FreshMsisdn());

        clock.Advance(MomoTestSandbox.OutcomeDelay);
        await sandbox.Receiver.WaitForAsync(control);
        // Final already: GET tells before the callback does.
        Assert.Equal("SUCCESSFUL", (await sandbox.StatusAsync(product, late)).GetProperty("status").GetString());
        Assert.Empty(sandbox.Receiver.For(late));

        clock.Advance(MomoTestSandbox.LateCallbackDelay);

        var callback = Assert.Single(await sandbox.Receiver.WaitForAsync(late));
        Assert.Equal("SUCCESSFUL", JsonNode.Parse(callback.Body)!["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task AmbiguousNumberIsCarriedOutButAnsweredOnlyAfterTheAmbiguousDelay(MomoProduct product)
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        var id = Guid.NewGuid();
        using var request = sandbox.PaymentRequest(product, id, MomoTestSandbox.Body(product, MomoScripts.Ambiguous), sandbox.Receiver.UrlFor(id));
        var post = sandbox.Client.SendAsync(request);

        // Recorded before any answer: poll the sandbox's own record, not the POST.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await sandbox.TransactionsAsync($"?referenceId={id}")).Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the ambiguous request was never recorded");
            await Task.Delay(10);
        }
        clock.Advance(MomoTestSandbox.OutcomeDelay);

        Assert.Equal("SUCCESSFUL", (await sandbox.StatusAsync(product, id)).GetProperty("status").GetString());
        Assert.True((await sandbox.TransactionAsync(id)).GetProperty("moneyMoved").GetBoolean());
        Assert.False(post.IsCompleted, "the POST is still unanswered");

        clock.Advance(MomoTestSandbox.AmbiguousDelay);

        using var response = await post.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // Only GET tells: no callback, though a URL was given.
        Assert.Empty((await sandbox.TransactionAsync(id)).GetProperty("callbacks").EnumerateArray());
        Assert.Empty(sandbox.Receiver.For(id));
    }

    [Fact]
    public async Task AnAmbiguousPostIsAnsweredEvenIfTheClockMovesWhileItArmsItsWait()
    {
        // The CI flake of AmbiguousNumberIsCarriedOut...: the test's second Advance landed
        // before the handler had armed its 40 s wait, which then counted from the moved clock.
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        clock.OnNextTimer = () => clock.Advance(MomoTestSandbox.AmbiguousDelay);
        var id = Guid.NewGuid();
        using var request = sandbox.PaymentRequest(MomoProduct.Collection, id, MomoTestSandbox.Body(MomoProduct.Collection, MomoScripts.Ambiguous));

        using var response = await sandbox.Client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(clock.OnNextTimer);
    }

    [Fact]
    public async Task AmbiguousRequestWhoseClientGaveUpIsStillCarriedOutOnce()
    {
        var clock = new ManualClock();
        await using var sandbox = await MomoTestSandbox.StartAsync(clock);
        using var impatient = new HttpClient { BaseAddress = sandbox.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(1) };
        var id = Guid.NewGuid();

        // The clock is held, so the answer can never come before the client gives up.
        await Assert.ThrowsAsync<TaskCanceledException>(() =>
            impatient.SendAsync(sandbox.PaymentRequest(MomoProduct.Disbursement, id, MomoTestSandbox.Body(MomoProduct.Disbursement, MomoScripts.Ambiguous))));
        Assert.Single(await sandbox.TransactionsAsync($"?referenceId={id}"));
        using (var again = await sandbox.Client.SendAsync(sandbox.PaymentRequest(MomoProduct.Disbursement, id,
                   MomoTestSandbox.Body(MomoProduct.Disbursement, MomoScripts.Ambiguous))))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        clock.Advance(MomoTestSandbox.OutcomeDelay);

        var transaction = Assert.Single(await sandbox.TransactionsAsync($"?msisdn={MomoScripts.Ambiguous}"));
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(1, transaction.GetProperty("duplicateRequests").GetInt32());
    }
}
