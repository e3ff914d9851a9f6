"""Demo data of experience supervision, after seeds/000 (三是体验监督问效): “市民开放日” and
“改革体验官” events to which 两代表一委员 and service users were invited, who observed on site,
followed a patient's process and reviewed at a round table; 35 suggestions, of which 12 were
turned into measures — linked to the demo's projects where one fits —, 18 answered as not
adopted and 5 still under decision; one open day is still planned.

Every record is made through the services (so each suggestion is also an officer-channel
feedback item, classified); the figures come from the records. Dates are relative to the day
the demo is loaded. Idempotent: events are found by title and an existing one is left alone.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from jiebang.orgs.models import Institution, Region, User
from jiebang.projects.models import Project

from . import services
from .models import Event, Invitee, Method, Suggestion

K = Event.Kind
C = Invitee.Category
ALL_METHODS = [Method.OBSERVATION, Method.FOLLOW_THROUGH, Method.PANEL]

# Who is invited: (name, category, affiliation). Fictitious people.
PEOPLE = {
    "刘建民": (C.PARTY_DEPUTY, "市党代表，东昌府区古楼街道社区党委书记"),
    "王秀兰": (C.NPC_DEPUTY, "市人大代表，东昌府区退休教师"),
    "张立新": (C.CPPCC_MEMBER, "市政协委员，民营企业负责人"),
    "孙桂英": (C.PATIENT, "预住院服务患者"),
    "赵海涛": (C.PATIENT, "日间手术患者家属"),
    "周晓燕": (C.OTHER, "社区网格员"),
    "李振华": (C.PARTY_DEPUTY, "市党代表，茌平区温陈街道党工委委员"),
    "陈玉梅": (C.NPC_DEPUTY, "市人大代表，茌平区农业合作社理事长"),
    "马文博": (C.CPPCC_MEMBER, "市政协委员，律师"),
    "杨春兰": (C.PATIENT, "住院患者"),
    "郭志强": (C.PATIENT, "住院患者家属"),
    "何丽娜": (C.NPC_DEPUTY, "县人大代表，东阿县铜城街道教师"),
    "徐东辉": (C.CPPCC_MEMBER, "县政协委员，个体工商户"),
    "韩玉兰": (C.PATIENT, "门诊患者"),
    "冯建国": (C.PATIENT, "老年门诊患者"),
    "宋立强": (C.PARTY_DEPUTY, "县党代表，冠县清泉街道村党支部书记"),
    "唐秀英": (C.NPC_DEPUTY, "县人大代表，冠县柳林镇村民"),
    "许宏斌": (C.CPPCC_MEMBER, "县政协委员，乡村教师"),
    "邓桂兰": (C.PATIENT, "村卫生室签约居民"),
    "曹明": (C.OTHER, "村民代表"),
    "彭晓东": (C.PARTY_DEPUTY, "市党代表，临清市企业职工"),
    "曾丽": (C.NPC_DEPUTY, "市人大代表，临清市社区卫生志愿者"),
    "肖宁": (C.CPPCC_MEMBER, "市政协委员，医保政策研究人员"),
    "田玉红": (C.PATIENT, "外科手术患者"),
    "董立军": (C.NPC_DEPUTY, "县人大代表，莘县中学家长委员会成员"),
    "袁芳": (C.CPPCC_MEMBER, "县政协委员，莘县实验小学教师"),
    "潘秀梅": (C.PATIENT, "学生家长"),
    "蒋磊": (C.OTHER, "学校校医"),
    "蔡文静": (C.PARTY_DEPUTY, "市党代表，阳谷县社区党支部书记"),
    "余海燕": (C.CPPCC_MEMBER, "市政协委员，中医药文化研究者"),
    "杜春梅": (C.PATIENT, "中医门诊患者"),
    "叶建华": (C.PATIENT, "针灸康复患者"),
    "苏明": (C.NPC_DEPUTY, "区人大代表，广平乡村民"),
    "魏桂芳": (C.PATIENT, "疼痛门诊患者"),
    "吕志刚": (C.PATIENT, "慢性腰腿痛患者"),
    "丁慧": (C.PARTY_DEPUTY, "区党代表，广平乡干部"),
    "任晓明": (C.NPC_DEPUTY, "县人大代表，高唐县企业职工"),
    "沈丽": (C.CPPCC_MEMBER, "县政协委员，高唐县医生"),
    "姚玉兰": (C.PATIENT, "复诊患者"),
}


def adopt(measure, project=None):
    return ("adopt", measure, project)


def decline(reason):
    return ("decline", reason)


STUDY = ("study",)
RECEIVED = ("received",)

# (days before the demo's day, kind, title, host, region (county, if no host), place,
#  description, visit record, invitees, suggestions: (invitee, text, outcome)).
EVENTS = [
    (
        210,
        K.OPEN_DAY,
        "“市民开放日”走进聊城市人民医院：预住院与一站式服务",
        "聊城市人民医院",
        None,
        "门诊一站式服务中心、日间手术中心",
        "邀请两代表一委员和患者实地观摩预住院、一站式服务中心，跟随患者走完术前检查流程。",
        "体验团一行6人观摩门诊一站式服务中心，跟随一名预住院患者完成术前检查和入院办理，"
        "全程约95分钟；座谈会上代表委员肯定术前等待缩短，也指出检查预约分散、停车难等问题。",
        ["刘建民", "王秀兰", "张立新", "孙桂英", "赵海涛", "周晓燕"],
        [
            (
                "孙桂英",
                "预住院期间的检查要跑好几个楼层，建议把术前检查集中预约，一次排好时间。",
                adopt(
                    "开设预住院术前检查集中预约窗口，检查时间一次排定并短信告知",
                    "“预住院”服务模式",
                ),
            ),
            (
                "王秀兰",
                "老年患者不会用手机自助机，建议一站式服务中心安排专人帮办代办。",
                adopt("一站式服务中心设老年人帮办代办岗，每日安排志愿者值守"),
            ),
            (
                "赵海涛",
                "日间手术出院后不知道找谁复查，建议出院时给一张随访联系卡。",
                adopt("日间手术患者出院发放随访联系卡，术后48小时内电话随访", "工作流程优化再造"),
            ),
            (
                "张立新",
                "医院周边停车太难，建议协调周边单位错峰开放停车位。",
                decline("停车场建设和周边单位车位开放需由城市管理部门统筹，已转交相关部门研究。"),
            ),
            (
                "刘建民",
                "建议把预住院的医保报销政策印成明白纸，放在门诊各科室。",
                decline("预住院费用纳入住院医保结算的政策尚待医保部门明确，明确后再统一印发。"),
            ),
            (
                "周晓燕",
                "建议开放日活动常态化，每季度邀请社区居民来看一看。",
                decline("开放日已按年度计划组织，暂不增加频次，社区居民可通过网格员报名参加。"),
            ),
        ],
    ),
    (
        180,
        K.OFFICER,
        "改革体验官走进聊城市第三人民医院：“全院一张床”",
        "聊城市第三人民医院",
        None,
        "住院服务中心、外科病区",
        "改革体验官跟随住院患者体验“全院一张床”床位统筹和入院等待。",
        "体验官跟随两名患者从门诊开具住院证到入住病区，床位由住院服务中心统一调配，"
        "等待时间比去年同期明显缩短；部分患者对跨科收治后由谁查房存在疑虑。",
        ["李振华", "陈玉梅", "马文博", "杨春兰", "郭志强"],
        [
            (
                "杨春兰",
                "被安排到别的科室病房住院，担心主治医生不来查房，建议公示跨科收治的查房安排。",
                adopt("跨科收治患者床头公示主管医生和查房时间", "“全院一张床”床位统筹管理"),
            ),
            (
                "陈玉梅",
                "建议住院服务中心的床位信息在大厅电子屏实时显示，让患者心里有数。",
                adopt("住院服务中心大厅电子屏实时显示各病区空床数"),
            ),
            (
                "郭志强",
                "陪护家属没有地方休息，建议病区设家属休息区。",
                decline("病区现有面积无法增设休息区，已在新病房楼规划中统筹考虑。"),
            ),
            (
                "马文博",
                "建议明确跨科收治发生医疗纠纷时的责任划分。",
                decline("已有院内制度规定主管科室负责，暂不另行出台规定，将加强宣传解读。"),
            ),
            (
                "李振华",
                "建议把“全院一张床”的经验推广到县级医院。",
                decline("县级医院推广需结合各院床位规模评估，纳入下一轮改革项目征集时统筹研究。"),
            ),
        ],
    ),
    (
        150,
        K.OFFICER,
        "改革体验官体验东阿县人民医院门诊志愿服务",
        "东阿县人民医院",
        None,
        "门诊大厅",
        "改革体验官在门诊大厅体验就医向导、陪诊等门诊志愿服务。",
        "体验官以普通患者身份挂号就诊，由职工志愿者全程引导，候诊秩序良好；"
        "座谈中患者反映周末志愿者较少、部分检查报告取件不便。",
        ["何丽娜", "徐东辉", "韩玉兰", "冯建国"],
        [
            (
                "冯建国",
                "周末门诊人也不少，但是看不到志愿者，建议周末也安排志愿者。",
                adopt("周六、周日上午门诊大厅安排志愿者轮值", "门诊志愿者服务"),
            ),
            (
                "韩玉兰",
                "检查报告要回到检查科室去取，建议在门诊大厅设自助打印机。",
                decline("自助打印设备已列入医院信息化采购计划，年内分批配置，暂作为在研事项。"),
            ),
            (
                "何丽娜",
                "建议志愿者佩戴统一标识，方便患者辨认。",
                decline("志愿者已统一着装并佩戴标识，将加强岗前提醒。"),
            ),
            (
                "徐东辉",
                "建议设立门诊投诉快速回应点。",
                decline("门诊已设投诉接待办公室并公示电话，不再另设回应点。"),
            ),
        ],
    ),
    (
        125,
        K.OPEN_DAY,
        "“市民开放日”走进冠县：乡村医生“县招乡管村用”",
        None,
        "冠县",
        "乡镇卫生院及所辖村卫生室",
        "邀请代表委员和村民走进乡镇卫生院和村卫生室，看乡村医生“县招乡管村用”的成效。",
        "体验团走访乡镇卫生院和两处村卫生室，与新招录的乡村医生座谈；村民对村医坐诊时间"
        "稳定给予肯定，也反映部分村卫生室药品种类少、夜间看病不便。",
        ["宋立强", "唐秀英", "许宏斌", "邓桂兰", "曹明"],
        [
            (
                "邓桂兰",
                "村卫生室的慢病药品种不全，要去镇上开药，建议村卫生室与卫生院药品目录一致。",
                adopt(
                    "村卫生室与乡镇卫生院慢病用药目录统一，缺药由卫生院每周配送",
                    "乡村医生“县招乡管村用”",
                ),
            ),
            (
                "唐秀英",
                "晚上孩子发烧找不到村医，建议公布村医夜间联系电话。",
                adopt("各村卫生室公示村医和镇卫生院夜间值班电话"),
            ),
            (
                "宋立强",
                "建议提高村医待遇，留得住人。",
                decline("村医待遇由县财政统筹保障，已按新招录办法落实，另行调整需县政府研究。"),
            ),
            (
                "许宏斌",
                "建议组织村医到县医院轮训。",
                decline("县医院轮训已纳入乡村医生年度培训计划，按计划实施。"),
            ),
            (
                "曹明",
                "建议给村卫生室配备自动体外除颤器。",
                decline("设备配置按省级标准分批实施，本年度暂无配置计划。"),
            ),
        ],
    ),
    (
        100,
        K.OFFICER,
        "改革体验官走进聊城市第二人民医院：DRG付费改革",
        "聊城市第二人民医院",
        None,
        "医保结算窗口、外科病区",
        "改革体验官了解DRG付费改革后住院费用、结算流程的变化。",
        "体验官在医保结算窗口观摩出院结算，听取DRG付费改革情况介绍；"
        "患者关心改革后费用是否增加、是否会被提前要求出院。",
        ["彭晓东", "曾丽", "肖宁", "田玉红"],
        [
            (
                "田玉红",
                "担心DRG付费后医院让病人提前出院，建议公开出院标准。",
                adopt("病区公示常见病种出院标准，并向患者书面告知", "有序推进DRG支付方式改革"),
            ),
            (
                "肖宁",
                "建议每季度向社会公布DRG付费改革后次均费用变化情况。",
                STUDY,
            ),
            (
                "曾丽",
                "出院结算还要排队，建议床旁结算。",
                decline("床旁结算需医保系统接口支持，待市医保信息平台升级后再推进。"),
            ),
            (
                "彭晓东",
                "建议在医保窗口增设咨询岗。",
                decline("医保窗口已设咨询岗，将延长咨询时间。"),
            ),
        ],
    ),
    (
        75,
        K.OFFICER,
        "改革体验官走进莘县：少年儿童健康护航“五大行动”",
        "莘县人民医院",
        "莘县",
        "莘县实验小学",
        "改革体验官走进校园，体验学生视力筛查和心理健康测评。",
        "体验官观摩学生视力筛查和心理测评，与校医、家长座谈；家长希望及时了解筛查结果，"
        "学校希望医院加强心理老师培训。",
        ["董立军", "袁芳", "潘秀梅", "蒋磊"],
        [
            (
                "潘秀梅",
                "孩子视力筛查结果家长看不到，建议通过短信或小程序告知家长。",
                adopt(
                    "视力筛查结果通过短信逐一告知家长，异常者附复查建议",
                    "少年儿童健康护航“五大行动”",
                ),
            ),
            (
                "蒋磊",
                "建议医院定期为校医开展心理危机识别培训。",
                RECEIVED,
            ),
            (
                "袁芳",
                "建议把龋齿筛查也纳入校园行动。",
                decline("龋齿筛查由口腔公共卫生项目另行实施，已与学校建立对接。"),
            ),
            (
                "董立军",
                "建议筛查结束后组织家长健康讲座。",
                decline("家长讲座已纳入学校家长会安排，由学校统一组织。"),
            ),
        ],
    ),
    (
        45,
        K.OPEN_DAY,
        "“市民开放日”走进聊城市中医医院：中医药特色服务",
        "聊城市中医医院",
        None,
        "治未病中心、针灸康复科",
        "邀请代表委员和患者体验中医药特色服务和非药物疗法。",
        "体验团体验中医体质辨识、针灸推拿等服务，座谈中肯定中医药服务便民，"
        "建议进一步方便煎药取药、推广中医适宜技术。",
        ["蔡文静", "余海燕", "杜春梅", "叶建华"],
        [
            (
                "杜春梅",
                "代煎中药要等两天才能取，建议提供快递到家服务。",
                adopt("开通代煎中药配送到家服务", "更好弘扬发展中医药文化"),
            ),
            (
                "余海燕",
                "建议把中医适宜技术送到社区卫生服务中心。",
                STUDY,
            ),
            (
                "叶建华",
                "针灸康复预约难，建议增加晚间门诊。",
                decline("针灸科人员有限，暂无法开设晚间门诊，将优化预约号源分配。"),
            ),
            (
                "蔡文静",
                "建议在中医院设中医药文化展示角。",
                decline("院内已设中医药文化长廊，暂不另设展示角。"),
            ),
        ],
    ),
    (
        20,
        K.OFFICER,
        "改革体验官走进东昌府区广平中心卫生院：疼痛综合管理",
        "东昌府区广平中心卫生院",
        None,
        "疼痛门诊",
        "改革体验官体验乡镇卫生院疼痛门诊和智慧随访。",
        "体验官跟随慢性疼痛患者就诊并了解智慧随访，患者反映疼痛门诊方便了就近看病；"
        "建议延长疼痛门诊开诊时间、加强与上级医院的转诊衔接。",
        ["苏明", "魏桂芳", "吕志刚", "丁慧"],
        [
            (
                "吕志刚",
                "疼痛门诊只有上午开，建议下午也开诊。",
                adopt("疼痛门诊每周二、四下午加开门诊", "扩大疼痛综合管理覆盖面"),
            ),
            (
                "魏桂芳",
                "需要转到市里大医院时手续繁琐，建议开通疼痛患者转诊绿色通道。",
                STUDY,
            ),
            (
                "苏明",
                "建议在各村张贴疼痛门诊的宣传海报。",
                RECEIVED,
            ),
        ],
    ),
]
PLANNED = (
    -15,
    K.OPEN_DAY,
    "“市民开放日”走进高唐县人民医院：检查检验结果互认",
    "高唐县人民医院",
    None,
    "门诊检验科、影像科",
    "邀请代表委员和患者体验检查检验结果互认，看一次检查多家医院认可。",
    ["任晓明", "沈丽", "姚玉兰"],
)
# Decisions come some days after the event, one after another.
DECISION_DELAY = 12


def _where(host_name, region_name):
    host = Institution.objects.filter(name=host_name).first() if host_name else None
    if host_name and host is None:
        return None, None
    if region_name:
        region = Region.objects.filter(name=region_name, kind__in=Region.COUNTY_LEVEL).first()
        if region is not None and host is None:
            # A county's open day at one of its township health centres.
            host = (
                Institution.objects.filter(
                    region__path__startswith=region.path,
                    kind=Institution.Kind.TOWNSHIP_HC,
                )
                .order_by("name")
                .first()
            )
        return host, region
    return host, None


DEMO_BUREAUS = ("county_guanxian", "county_shenxian")


def _recorder(region) -> User:
    """A county's own events are recorded by its bureau (冠县 and 莘县 have demo bureaus), the
    events at city-level hospitals by the task force."""
    bureau = None
    if region is not None:
        bureau = User.objects.bureaus_over(region).filter(username__in=DEMO_BUREAUS).first()
    return bureau or User.objects.get(username="taskforce")


def _project(title):
    if title is None:
        return None
    return Project.objects.filter(title=title).exclude(status=Project.Status.WITHDRAWN).first()


def _invite(event, names, actor) -> dict[str, Invitee]:
    invitees = {}
    for n, name in enumerate(names):
        category, affiliation = PEOPLE[name]
        invitees[name] = services.add_invitee(
            event,
            acting_user=actor,
            name=name,
            category=category,
            affiliation=affiliation,
            phone=f"1386350{event.pk % 100:02d}{n:02d}",
        )
    return invitees


def _decide(suggestion, outcome, *, decider, when) -> None:
    kind = outcome[0]
    if kind == "received":
        return
    if kind == "study":
        services.study_suggestion(suggestion, acting_user=decider)
        return
    if kind == "adopt":
        _kind, measure, project_title = outcome
        services.decide_suggestion(
            suggestion,
            acting_user=decider,
            adopted=True,
            project=_project(project_title),
            measure=measure,
        )
    else:
        services.decide_suggestion(suggestion, acting_user=decider, adopted=False, note=outcome[1])
    Suggestion.objects.filter(pk=suggestion.pk).update(decided_at=when)


def load_event(spec, *, today, decider) -> Event | None:
    days, kind, title, host_name, region_name, place, description, record, names, said = spec
    if Event.objects.filter(title=title).exists():
        return None
    host, region = _where(host_name, region_name)
    if host is None and region is None:
        return None
    actor = _recorder(region)
    date = today - timedelta(days=days)
    event = services.create_event(
        acting_user=actor,
        kind=kind,
        title=title,
        date=date,
        host=host,
        region=region,
        place=place,
        description=description,
        methods=ALL_METHODS,
    )
    invitees = _invite(event, names, actor)
    event = services.record_visit(event, acting_user=actor, visit_record=record)
    held = timezone.make_aware(datetime.combine(date, time.min))
    Event.objects.filter(pk=event.pk).update(visit_recorded_at=held + timedelta(hours=17))
    for n, (name, text, outcome) in enumerate(said):
        suggestion = services.add_suggestion(
            event, acting_user=actor, invitee=invitees[name], text=text
        )
        when = min(held + timedelta(days=DECISION_DELAY + n, hours=10), timezone.now())
        _decide(suggestion, outcome, decider=decider, when=when)
    return event


def load_planned(*, today) -> None:
    days, kind, title, host_name, region_name, place, description, names = PLANNED
    if Event.objects.filter(title=title).exists():
        return
    host, region = _where(host_name, region_name)
    if host is None:
        return
    actor = User.objects.get(username="taskforce")
    event = services.create_event(
        acting_user=actor,
        kind=kind,
        title=title,
        date=today - timedelta(days=days),
        host=host,
        region=region,
        place=place,
        description=description,
        methods=ALL_METHODS,
    )
    _invite(event, names, actor)


@transaction.atomic
def load(progress=lambda message: None) -> dict:
    progress("open days and experience officers (体验监督)")
    today = timezone.localdate()
    decider = User.objects.get(username="taskforce")
    for spec in EVENTS:
        load_event(spec, today=today, decider=decider)
    load_planned(today=today)
    suggestions = Suggestion.objects.all()
    return {
        "experience_events": Event.objects.count(),
        "officer_suggestions": suggestions.count(),
        "adopted_suggestions": suggestions.filter(status=Suggestion.Status.ADOPTED).count(),
    }
