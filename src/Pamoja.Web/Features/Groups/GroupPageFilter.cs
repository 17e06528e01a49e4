using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Pamoja.Web.Features.Groups;

/// GroupAccessMiddleware has already admitted the caller to the group and checked the page's
/// own permission; this checks a permission that only one handler of the page needs (say,
/// OnPostSuspend on the members page).
public sealed class GroupPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var needed = context.HandlerMethod?.MethodInfo.GetCustomAttributes(typeof(RequiresPermissionAttribute), true)
            .Cast<RequiresPermissionAttribute>().FirstOrDefault();
        if (needed is not null && !GroupContext.From(context.HttpContext).Can(needed.Permission))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
            return;
        }
        await next();
    }
}
