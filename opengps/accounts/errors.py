"""The accounts app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the accounts app refuses with."""

    AUTH_REQUIRED = "auth.required", _("请先登录")
    OTP_ALREADY_ENROLLED = "otp.already_enrolled", _("已启用两步验证")
    OTP_CODE_INVALID = "otp.code_invalid", _("请输入验证器显示的 6 位数字验证码")
    OTP_CODE_WRONG = "otp.code_wrong", _("验证码不正确或已过期")
    OTP_REASON_REQUIRED = "otp.reason_required", _("请填写重置原因")
    OTP_THROTTLED = "otp.throttled", _("验证码错误次数过多，请 %(minutes)s 分钟后再试")
    PERM_DENIED = "perm.denied", _("您的角色（%(role)s）无权执行此操作")
    PERM_OTHER_UNIT = "perm.other_unit", _("不能操作其他单位的数据")
    PERM_OUT_OF_REGION = "perm.out_of_region", _("不能操作本行政区划以外单位的数据")
    PERM_PROVINCIAL_ONLY = "perm.provincial_only", _("全省通用的数据只能由省级部门修改")
    PERM_READ_ONLY = "perm.read_only", _("审计监督只读，不能修改数据")
    UNIT_DUPLICATE = "unit.duplicate", _("单位“%(name)s”已存在")
    UNIT_KIND_INVALID = "unit.kind_invalid", _("单位类型无效")
    UNIT_USCC_DUPLICATE = "unit.uscc_duplicate", _("统一社会信用代码已由单位“%(name)s”使用")
    UNIT_USCC_INVALID = "unit.uscc_invalid", _("统一社会信用代码无效：应为18位，且校验位正确")
    UNIT_USCC_NOT_ORGAN = (
        "unit.uscc_not_organ",
        _("机关的统一社会信用代码应以“11”开头（登记管理部门代码1、机构类别代码1）"),
    )
    USER_DUPLICATE = "user.duplicate", _("用户名“%(username)s”已被使用")
    USER_NOT_FOUND = "user.not_found", _("用户不存在")
    USER_ORGANIZATION_REQUIRED = "user.organization_required", _("供应商账户必须关联社会组织")
    USER_PASSWORD_INCORRECT = "user.password_incorrect", _("原密码不正确")
    USER_PASSWORD_REQUIRED = "user.password_required", _("请为新账户设置初始密码")
    USER_PASSWORD_UNCHANGED = "user.password_unchanged", _("新密码不能与原密码相同")
    USER_PASSWORD_WEAK = "user.password_weak", _("密码不符合密码规则")
    USER_ROLE_INVALID = "user.role_invalid", _("角色无效")
    USER_UNIT_REQUIRED = "user.unit_required", _("该角色必须关联单位")
