using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Accounts;

namespace Pamoja.Web.Tests.Infrastructure;

public static partial class TestData
{
    /// A client signed in as a platform operator (the role is given before the token is issued).
    public static async Task<HttpClient> OperatorAsync(PamojaFactory app)
    {
        var client = app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByNameAsync(phone))!, Roles.Operator)).Succeeded);
        }
        var token = await TestData.TokenAsync(client, phone, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }
}
