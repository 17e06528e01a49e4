using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Sandbox.Providers.Momo;

namespace Pamoja.Sandbox.Tests.Momo;

// MTN's sandbox test numbers (protocols.md §2.8), every row, both products. The two rows that
// stay PENDING (Ongoing, Delayed) are proven on a hand-driven clock in MomoTimingTests.
public sealed class MomoTestNumberTests(MomoSandboxFixture fixture) : IClassFixture<MomoSandboxFixture>
{
    private MomoTestSandbox Sandbox => fixture.Sandbox;

    public static TheoryData<string, MomoProduct, string?> FinalRows()
    {
        var data = new TheoryData<string, MomoProduct, string?>();
        foreach (var row in MomoScript.MtnTable)
        {
            foreach (var product in Enum.GetValues<MomoProduct>())
            {
                var outcome = row.For(product);
                if (outcome.Status is not null && !outcome.Delayed)
                {
                    data.Add(row.Msisdn, product, outcome.ReasonCode);
                }
            }
        }
        return data;
    }

    [Fact]
    public void TableHasEveryDocumentedNumber()
    {
        Assert.Equal(Enumerable.Range(0, 14).Select(i => $"467331234{50 + i}"), MomoScript.MtnTable.Select(r => r.Msisdn));
        // 12 failing rows per product, each product's failures in both reason shapes.
        Assert.Equal(24, FinalRows().Count());
    }

    [Theory]
    [MemberData(nameof(FinalRows))]
    public async Task RowFailsWithItsReasonInGetAndInThePutCallback(string msisdn, MomoProduct product, string? reasonCode)
    {
        var id = await Sandbox.PayAsync(product, msisdn);

        var status = await Sandbox.WaitForFinalAsync(product, id);

        Assert.Equal("FAILED", status.GetProperty("status").GetString());
        Assert.False(status.TryGetProperty("financialTransactionId", out _));
        var reason = status.GetProperty("reason");
        // Odd last digit: {"code","message"}; even: a bare string. Both shapes exist (§2.4).
        if ((msisdn[^1] - '0') % 2 == 1)
        {
            Assert.Equal(JsonValueKind.Object, reason.ValueKind);
            Assert.Equal(reasonCode, reason.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(reason.GetProperty("message").GetString()));
        }
        else
        {
            Assert.Equal(JsonValueKind.String, reason.ValueKind);
            Assert.Equal(reasonCode, reason.GetString());
        }

        var callback = Assert.Single(await Sandbox.Receiver.WaitForAsync(id));
        Assert.Equal("PUT", callback.Method);
        Assert.Equal($"/webhooks/momo?ref={id}", callback.PathAndQuery);
        Assert.StartsWith("application/json", callback.ContentType, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(callback.Body), JsonNode.Parse(status.GetRawText())), "the callback carries the GET body");

        var transaction = await Sandbox.TransactionAsync(id);
        Assert.False(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(reasonCode, transaction.GetProperty("reason").GetString());
        Assert.Equal(200, Assert.Single(await Sandbox.RecordedCallbacksAsync(id, 1)).GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData(MomoProduct.Collection)]
    [InlineData(MomoProduct.Disbursement)]
    public async Task AnyOtherNumberSucceeds(MomoProduct product)
    {
        // Close to the table but not in it.
        foreach (var msisdn in new[] { "46733123449", "46733123464", MomoTestSandbox.FreshMsisdn() })
        {
            var id = await Sandbox.PayAsync(product, msisdn);
            Assert.Equal("SUCCESSFUL", (await Sandbox.WaitForFinalAsync(product, id)).GetProperty("status").GetString());
            var callback = Assert.Single(await Sandbox.Receiver.WaitForAsync(id));
            Assert.Equal("SUCCESSFUL", JsonNode.Parse(callback.Body)!["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task TestNumberAsAPartyCodeIsJustAnotherParty()
    {
        var id = Guid.NewGuid();
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, id,
            MomoTestSandbox.Body(MomoProduct.Collection, "46733123450", partyIdType: "PARTY_CODE")));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("SUCCESSFUL", (await Sandbox.WaitForFinalAsync(MomoProduct.Collection, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task RequestWithoutCallbackUrlGetsNoCallback()
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        var quiet = await Sandbox.PayAsync(MomoProduct.Collection, msisdn, callback: false);
        var loud = await Sandbox.PayAsync(MomoProduct.Collection, msisdn);

        await Sandbox.WaitForFinalAsync(MomoProduct.Collection, quiet);
        // Callbacks go out in due order, so once the later request's has arrived the earlier
        // one would have too.
        await Sandbox.Receiver.WaitForAsync(loud);
        Assert.Empty(Sandbox.Receiver.For(quiet));
        Assert.Empty((await Sandbox.TransactionAsync(quiet)).GetProperty("callbacks").EnumerateArray());
    }
}
