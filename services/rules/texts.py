"""The words of the standard rule set, for the translation catalogue.

Titles and citations are stored in Chinese by the migrations that seed the standard set (rules
0002–0004, procedures 0003); pages show them through gettext (``display.py``), so an English reader
gets them in English. Listing them here, marked with ``gettext_noop``, is what puts them in
``locale/en/LC_MESSAGES/django.po``. A new rule or citation seeded by a migration goes here too:
``tests/rules/test_display.py`` checks that every title and citation in the standard set is listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

# A number that is a local rule rather than a national regulation's (docs/domain.md#local-practice).
LOCAL_PRACTICE = gettext_noop("地方通行做法")

TITLES = (
    gettext_noop("成立党支部的最少正式党员数"),
    gettext_noop("设立支部委员会的正式党员数"),
    gettext_noop("视为已设支委会的最少委员职务数"),
    gettext_noop("党支部党员人数上限（一般）"),
    gettext_noop("党小组最少党员数"),
    gettext_noop("党支部、党总支委员会每届任期"),
    gettext_noop("院系党委每届任期"),
    gettext_noop("校党委（基层党委）每届任期"),
    gettext_noop("换届提前提醒天数"),
    gettext_noop("申请入党最低年龄"),
    gettext_noop("收到入党申请后谈话期限"),
    gettext_noop("积极分子培养考察最短期限"),
    gettext_noop("积极分子考察间隔"),
    gettext_noop("发展对象集中培训最少天数"),
    gettext_noop("发展对象集中培训最少学时"),
    gettext_noop("发展对象公示最少工作日"),
    gettext_noop("上级党委审批期限"),
    gettext_noop("上级党委审批最长期限"),
    gettext_noop("预备期"),
    gettext_noop("延长预备期最短"),
    gettext_noop("延长预备期最长"),
    gettext_noop("支部党员大会间隔"),
    gettext_noop("支委会间隔"),
    gettext_noop("党小组会间隔"),
    gettext_noop("党课间隔"),
    gettext_noop("主题党日间隔"),
    gettext_noop("组织生活会间隔"),
    gettext_noop("民主评议党员间隔"),
    gettext_noop("党员每年学习学时"),
    gettext_noop("支部书记、支委每年学习学时"),
    gettext_noop("党费交纳比例（按月工资）"),
    gettext_noop("学生等每月交纳党费"),
    gettext_noop("党费最长拖欠月数"),
    gettext_noop("一次性自愿多交全额上缴起点"),
    gettext_noop("组织关系介绍信有效期"),
    gettext_noop("毕业生组织关系在校保留最长年限"),
    gettext_noop("出国（境）党员联系间隔"),
    gettext_noop("审计日志最短保存天数"),
    gettext_noop("支部党员大会有表决权的到会人数须超过应到会有表决权人数的比例"),
    gettext_noop("赞成人数须超过应到会有表决权的正式党员的比例（书面意见计入票数）"),
    gettext_noop("到期事项提前提醒天数"),
    gettext_noop("会后纪要定稿期限"),
    gettext_noop("党费金额舍入方式（到分）"),
    gettext_noop("意见征集结果的最小公开人数"),
    gettext_noop("培养联系人最少人数（正式党员）"),
    gettext_noop("培养联系人最多人数（正式党员）"),
    gettext_noop("入党介绍人人数（正式党员）"),
    gettext_noop("延长预备期最多次数"),
    gettext_noop("入党申请人、积极分子、发展对象提交思想汇报间隔"),
    gettext_noop("预备期内提交思想汇报次数"),
    gettext_noop("思想汇报审阅期限"),
    gettext_noop("每学时折合分钟数"),
    gettext_noop("学习排名"),
)

CITATIONS = (
    LOCAL_PRACTICE,
    gettext_noop("《中国共产党章程》 第一条"),
    gettext_noop("《中国共产党章程》 第七条"),
    gettext_noop("《中国共产党章程》 第九条"),
    gettext_noop("《中国共产党支部工作条例（试行）》(2018)"),
    gettext_noop("《中国共产党支部工作条例（试行）》(2018) 第五条"),
    gettext_noop("《中国共产党基层组织选举工作条例》(2020)"),
    gettext_noop("《中国共产党党员教育管理工作条例》(2019)"),
    gettext_noop("《关于中国共产党党费收缴、使用和管理的规定》(2008)"),
    gettext_noop("《中华人民共和国网络安全法》第二十一条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014)"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第五条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第七条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第九条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第十一条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第十二条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第十三条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第十四条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第十七条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第二十四条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第三十二条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第二十条；转正：第三十三条"),
    gettext_noop("《中国共产党发展党员工作细则》(2014) 第二十一条；转正：第三十三条"),
    gettext_noop("《中国共产党章程》 第七条；《中国共产党发展党员工作细则》(2014) 第三十二条"),
    gettext_noop("整治“指尖上的形式主义”有关要求（2023）"),
)
