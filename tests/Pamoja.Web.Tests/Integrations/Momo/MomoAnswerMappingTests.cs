using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

// How each answer MTN can give maps to a GatewayStatus. The same mappings are exercised over
// real HTTP in MomoGatewayTests; these cover the answers the sandbox has no script for.
public sealed class MomoAnswerMappingTests
{
    private const string Ref = "0bae0623-18d8-4f54-b6cf-af4a32158a9d";

    private static MomoReply Answer(int status, string body = "") => new(MomoReplyKind.Answered, status, body);

    public static TheoryData<int, string, GatewayStatus, string?> StartAnswers() => new()
    {
        { 202, "", GatewayStatus.Pending, null },
        { 200, "", GatewayStatus.Pending, null },
        { 409, """{"code":"RESOURCE_ALREADY_EXIST","message":"Duplicated reference id."}""", GatewayStatus.Pending, "RESOURCE_ALREADY_EXIST" },
        { 400, """{"code":"BAD_REQUEST","message":"amount"}""", GatewayStatus.Failed, "BAD_REQUEST" },
        { 400, "", GatewayStatus.Failed, "HTTP_400" },
        { 401, """{"statusCode":401,"message":"Access denied due to missing subscription key."}""", GatewayStatus.Failed, "HTTP_401" },
        { 401, """{"code":"UNAUTHORIZED","message":"expired"}""", GatewayStatus.Failed, "UNAUTHORIZED" },
        { 403, "", GatewayStatus.Failed, "HTTP_403" },
        { 404, """{"statusCode":404,"message":"Resource not found"}""", GatewayStatus.Failed, "HTTP_404" },
        { 408, "", GatewayStatus.Unknown, "HTTP_408" },
        { 429, "", GatewayStatus.Unknown, "HTTP_429" },
        { 500, """{"code":"NOT_ALLOWED_TARGET_ENVIRONMENT","message":"x"}""", GatewayStatus.Failed, "NOT_ALLOWED_TARGET_ENVIRONMENT" },
        { 500, """{"code":"INVALID_CALLBACK_URL_HOST","message":"x"}""", GatewayStatus.Failed, "INVALID_CALLBACK_URL_HOST" },
        { 500, """{"code":"INVALID_CURRENCY","message":"x"}""", GatewayStatus.Failed, "INVALID_CURRENCY" },
        { 500, """{"code":"PAYER_NOT_FOUND","message":"x"}""", GatewayStatus.Failed, "PAYER_NOT_FOUND" },
        { 500, """{"code":"PAYEE_NOT_FOUND","message":"x"}""", GatewayStatus.Failed, "PAYEE_NOT_FOUND" },
        { 500, """{"code":"NOT_ALLOWED","message":"x"}""", GatewayStatus.Failed, "NOT_ALLOWED" },
        { 500, """{"code":"INTERNAL_PROCESSING_ERROR","message":"x"}""", GatewayStatus.Unknown, "INTERNAL_PROCESSING_ERROR" },
        { 500, """{"code":"COULD_NOT_PERFORM_TRANSACTION","message":"x"}""", GatewayStatus.Unknown, "COULD_NOT_PERFORM_TRANSACTION" },
        { 500, "<html>oops</html>", GatewayStatus.Unknown, "HTTP_500" },
        { 502, "", GatewayStatus.Unknown, "HTTP_502" },
        { 503, """{"code":"SERVICE_UNAVAILABLE","message":"x"}""", GatewayStatus.Unknown, "SERVICE_UNAVAILABLE" },
        { 504, "", GatewayStatus.Unknown, "HTTP_504" },
    };

    [Theory]
    [MemberData(nameof(StartAnswers))]
    public void StartAnswerMapsToItsStatus(int status, string body, GatewayStatus expected, string? code)
    {
        var answer = MomoGateway.MapStart(Answer(status, body), Ref);

        Assert.Equal(expected, answer.Status);
        Assert.Equal(code, answer.Code);
        // Anything that may be at MTN keeps its handle, so it can be asked about.
        if (expected is GatewayStatus.Pending or GatewayStatus.Unknown) Assert.Equal(Ref, answer.ProviderRef);
    }

    [Fact]
    public void NoAnswerIsUnknownAndNotSentIsFailed()
    {
        var timeout = MomoGateway.MapStart(new MomoReply(MomoReplyKind.NoAnswer, 0, "", "TIMEOUT", "No answer within 30 s."), Ref);
        Assert.Equal(GatewayStatus.Unknown, timeout.Status);
        Assert.Equal(Ref, timeout.ProviderRef);
        Assert.Equal("TIMEOUT", timeout.Code);

        var notSent = MomoGateway.MapStart(new MomoReply(MomoReplyKind.NotSent, 0, "", "login_failed", "bad key"), Ref);
        Assert.Equal(GatewayStatus.Failed, notSent.Status);
        Assert.Null(notSent.ProviderRef);
        Assert.Equal("login_failed", notSent.Code);
    }

    [Fact]
    public void QueryAnswersMap()
    {
        Assert.Equal(GatewayStatus.Pending, MomoGateway.MapQuery(Answer(200, """{"status":"PENDING"}"""), Ref, null).Status);

        var success = MomoGateway.MapQuery(Answer(200, """{"amount":"12.50","currency":"EUR","financialTransactionId":"99","externalId":"p-1","status":"SUCCESSFUL"}"""), Ref, "p-1");
        Assert.Equal(GatewayStatus.Succeeded, success.Status);
        Assert.Equal("99", success.Receipt);
        Assert.Equal(1250, success.Amount);
        Assert.Equal(Ref, success.ProviderRef);

        var rejected = MomoGateway.MapQuery(Answer(200, """{"status":"REJECTED","reason":{"code":"APPROVAL_REJECTED","message":"No"}}"""), Ref, null);
        Assert.Equal(GatewayStatus.Failed, rejected.Status);
        Assert.Equal("APPROVAL_REJECTED", rejected.Code);
        Assert.Equal("No", rejected.Message);

        var notFound = MomoGateway.MapQuery(Answer(404, """{"code":"RESOURCE_NOT_FOUND","message":"Requested resource was not found."}"""), Ref, null);
        Assert.Equal(GatewayStatus.Failed, notFound.Status);
        Assert.Equal("NOT_FOUND", notFound.Code);

        foreach (var status in new[] { 401, 500, 503 })
            Assert.Equal(GatewayStatus.Unknown, MomoGateway.MapQuery(Answer(status), Ref, null).Status);
        Assert.Equal("UNREADABLE", MomoGateway.MapQuery(Answer(200, "<html/>"), Ref, null).Code);
        Assert.Equal("UNREADABLE", MomoGateway.MapQuery(Answer(200, """{"status":"WEIRD"}"""), Ref, null).Code);
        Assert.Equal(GatewayStatus.Unknown, MomoGateway.MapQuery(new MomoReply(MomoReplyKind.NoAnswer, 0, "", "TIMEOUT"), Ref, null).Status);
        Assert.Equal(GatewayStatus.Unknown, MomoGateway.MapQuery(new MomoReply(MomoReplyKind.NotSent, 0, "", "login_failed"), Ref, null).Status);
    }

    [Fact]
    public void SuccessForAnotherPaymentsExternalIdIsNotTrusted()
    {
        var answer = MomoGateway.MapQuery(Answer(200, """{"financialTransactionId":"99","externalId":"someone-else-1","status":"SUCCESSFUL"}"""), Ref, "p-1");
        Assert.Equal(GatewayStatus.Unknown, answer.Status);
        Assert.Equal("EXTERNAL_ID_MISMATCH", answer.Code);
    }
}
